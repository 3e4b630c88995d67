using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Pages;

/// <summary>The pages Stripe would host: checkout, customer portal and invoice.</summary>
internal static class SandboxPageEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("/sandbox");
        pages.ExcludeFromDescription();

        pages.MapGet("/checkout/{id}", (string id, SandboxState state) =>
        {
            lock (state.Gate)
            {
                return state.CheckoutSessions.GetValueOrDefault(id) is { } session
                    ? HtmlPage.Result("Checkout", CheckoutPage.Body(session, KnownEmail(state, session), null))
                    : NotFound("checkout session");
            }
        });

        pages.MapPost("/checkout/{id}", async (string id, HttpRequest request, SandboxState state, SandboxControl control, IHttpClientFactory http) =>
        {
            var form = await request.ReadFormAsync();
            SandboxCheckoutResult result;
            try
            {
                result = await control.CompleteCheckoutAsync(id, form["card"].ToString(), form["email"].ToString(), request.HttpContext.RequestAborted);
            }
            catch (KeyNotFoundException)
            {
                return NotFound("checkout session");
            }
            catch (InvalidOperationException)
            {
                // Expired while the page was open: show the page in its current state.
                result = new SandboxCheckoutResult(id, "expired", null, null, null, "", null);
            }

            if (result.Error is null && result.Status == "complete")
            {
                // As Stripe's page: on to the product's success URL; where that cannot be reached (a product
                // not running, an address only its own network knows), the checkout ends on a page of its own.
                return await Reachable(http, result.SuccessUrl, request.HttpContext.RequestAborted)
                    ? new SeeOtherResult(result.SuccessUrl)
                    : new SeeOtherResult($"/sandbox/checkout/{id}/success");
            }

            lock (state.Gate)
            {
                var session = state.CheckoutSessions[id];
                return HtmlPage.Result("Checkout", CheckoutPage.Body(session, KnownEmail(state, session), result.Error?.Message), result.Error is null ? 410 : 402);
            }
        });

        pages.MapGet("/checkout/{id}/success", (string id, SandboxState state) =>
        {
            lock (state.Gate)
            {
                return state.CheckoutSessions.GetValueOrDefault(id) is { Status: "complete" } session
                    ? HtmlPage.Result("Payment complete", CheckoutPage.Success(session))
                    : NotFound("completed checkout session");
            }
        });

        pages.MapGet("/portal/{id}", (string id, SandboxState state) =>
        {
            lock (state.Gate)
            {
                return state.PortalSessions.GetValueOrDefault(id) is { } session
                    ? HtmlPage.Result("Billing", PortalPage.Body(state, session, null, false))
                    : NotFound("portal session");
            }
        });

        pages.MapPost("/portal/{id}", async (string id, HttpRequest request, SandboxState state, SandboxControl control) =>
        {
            PortalSessionRecord? session;
            lock (state.Gate)
            {
                session = state.PortalSessions.GetValueOrDefault(id);
            }

            if (session is null)
            {
                return NotFound("portal session");
            }

            var form = await request.ReadFormAsync();
            var action = form["action"].ToString();
            if (action is "" or "card")
            {
                lock (state.Gate)
                {
                    if (!state.PortalConfigurations[session.ConfigurationId].PaymentMethodUpdate)
                    {
                        return HtmlPage.Result("Billing", PortalPage.Body(state, session, PortalConfigurationRecord.NotOffered, true), 403);
                    }
                }

                var cardError = await control.ReplaceCardAsync(session.CustomerId, form["card"].ToString(), payOpenInvoices: true, request.HttpContext.RequestAborted);
                lock (state.Gate)
                {
                    return HtmlPage.Result("Billing", PortalPage.Body(state, session, cardError?.Message ?? "Card updated.", cardError is not null), cardError is null ? 200 : 402);
                }
            }

            var error = await control.ChangeFromPortalAsync(id, action, form["subscription"].ToString(), form["price"].ToString() is { Length: > 0 } price ? price : null, request.HttpContext.RequestAborted);
            lock (state.Gate)
            {
                var done = action switch
                {
                    "cancel" => "Your subscription is canceled.",
                    "renew" => "Your subscription renews again.",
                    _ => "Your plan is switched.",
                };
                return HtmlPage.Result("Billing", PortalPage.Body(state, session, error ?? done, error is not null), error is null ? 200 : 403);
            }
        });

        pages.MapGet("/invoices/{id}", (string id, SandboxState state) =>
        {
            lock (state.Gate)
            {
                return state.Invoices.GetValueOrDefault(id) is { } invoice
                    ? HtmlPage.Result("Invoice", InvoicePage.Body(invoice, null, false))
                    : NotFound("invoice");
            }
        });

        pages.MapPost("/invoices/{id}", async (string id, HttpRequest request, SandboxState state, SandboxControl control) =>
        {
            InvoiceRecord? invoice;
            lock (state.Gate)
            {
                invoice = state.Invoices.GetValueOrDefault(id);
            }

            if (invoice is null)
            {
                return NotFound("invoice");
            }

            var form = await request.ReadFormAsync();
            var error = await control.ReplaceCardAsync(invoice.CustomerId, form["card"].ToString(), payOpenInvoices: true, request.HttpContext.RequestAborted);
            lock (state.Gate)
            {
                var message = error?.Message ?? (invoice.Status == "paid" ? "Paid. Thank you." : "The card was saved but the payment failed.");
                return HtmlPage.Result("Invoice", InvoicePage.Body(invoice, message, invoice.Status != "paid"), invoice.Status == "paid" ? 200 : 402);
            }
        });
    }

    private static string? KnownEmail(SandboxState state, CheckoutSessionRecord session) =>
        session.CustomerEmail ?? (session.CustomerId is { } id ? state.Customers.GetValueOrDefault(id)?.Email : null);

    private static IResult NotFound(string what) => HtmlPage.Result("Not found", $"<h1>No such {HtmlPage.Encode(what)}</h1>", 404);

    private static async Task<bool> Reachable(IHttpClientFactory http, string url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.CreateClient(SandboxServiceCollectionExtensions.SuccessUrlProbe)
                .SendAsync(new HttpRequestMessage(HttpMethod.Head, url), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            return false;
        }
    }
}
