using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace OrleansBilling.Sandbox.Api;

/// <summary>
/// The emulated part of Stripe's REST API, under <c>/sandbox/stripe/v1</c> and <c>/sandbox/stripe/v2</c>
/// (Stripe.net's ApiBase and MeterEventsBase are both <c>…/sandbox/stripe</c>).
/// </summary>
internal static class StripeApiRoutes
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/sandbox/stripe/v1");
        v1.ExcludeFromDescription();

        Map(v1, "POST", "customers", static (r, q) => r.Customers.Create(q));
        Map(v1, "GET", "customers/{id}", static (r, q) => r.Customers.Get(q));
        Map(v1, "POST", "customers/{id}", static (r, q) => r.Customers.Update(q));

        Map(v1, "POST", "checkout/sessions", static (r, q) => r.CheckoutSessions.Create(q));
        Map(v1, "GET", "checkout/sessions/{id}", static (r, q) => r.CheckoutSessions.Get(q));
        Map(v1, "POST", "checkout/sessions/{id}/expire", static (r, q) => r.CheckoutSessions.Expire(q));

        Map(v1, "GET", "subscriptions", static (r, q) => r.Subscriptions.List(q));
        Map(v1, "GET", "subscriptions/{id}", static (r, q) => r.Subscriptions.Get(q));
        Map(v1, "POST", "subscriptions/{id}", static (r, q) => r.Subscriptions.Update(q));
        Map(v1, "DELETE", "subscriptions/{id}", static (r, q) => r.Subscriptions.Cancel(q));
        Map(v1, "POST", "subscriptions/{id}/resume", static (r, q) => r.Subscriptions.Resume(q));

        Map(v1, "GET", "invoices", static (r, q) => r.Invoices.List(q));
        Map(v1, "GET", "invoices/{id}", static (r, q) => r.Invoices.Get(q));
        Map(v1, "POST", "invoices/{id}/pay", static (r, q) => r.Invoices.Pay(q));
        Map(v1, "POST", "invoices/{id}/void", static (r, q) => r.Invoices.Void(q));
        Map(v1, "POST", "invoices/{id}/mark_uncollectible", static (r, q) => r.Invoices.MarkUncollectible(q));

        Map(v1, "POST", "refunds", static (r, q) => r.Refunds.Create(q));
        Map(v1, "GET", "refunds/{id}", static (r, q) => r.Refunds.Get(q));

        Map(v1, "POST", "billing_portal/sessions", static (r, q) => r.BillingPortal.Create(q));
        Map(v1, "POST", "billing/meter_events", static (r, q) => r.MeterEvents.Create(q));

        Map(v1, "GET", "events", static (r, q) => r.Events.List(q));
        Map(v1, "GET", "events/{id}", static (r, q) => r.Events.Get(q));

        Map(v1, "GET", "charges/{id}", static (r, q) => r.Lookups.Charge(q));
        Map(v1, "GET", "payment_intents/{id}", static (r, q) => r.Lookups.PaymentIntent(q));
        Map(v1, "GET", "prices/{id}", static (r, q) => r.Lookups.Price(q));

        // The meter event stream's host is Stripe.net's MeterEventsBase; the sandbox serves it beside the API.
        var v2 = app.MapGroup("/sandbox/stripe/v2");
        v2.ExcludeFromDescription();
        Map(v2, "POST", "billing/meter_event_session", static (r, q) => r.MeterEventSessions.Create(q));
        v2.MapPost("billing/meter_event_stream", (HttpContext context, MeterEventStreamEndpoint stream) => stream.HandleAsync(context));

        // Anything else answers like Stripe does for a URL it does not know (after authentication).
        app.Map("/sandbox/stripe/{**rest}", (HttpContext context, StripeApiPipeline pipeline) =>
            pipeline.HandleAsync(context, static (_, q) => throw new StripeApiException(404, "invalid_request_error", $"Unrecognized request URL ({q.Method}: {q.Path}). The sandbox emulates only the part of Stripe's API this service uses.")))
            .ExcludeFromDescription();
    }

    private static void Map(RouteGroupBuilder group, string method, string pattern, Func<StripeResources, StripeApiRequest, ApiOutcome> handler) =>
        group.MapMethods(pattern, [method], (HttpContext context, StripeApiPipeline pipeline) => pipeline.HandleAsync(context, handler));
}
