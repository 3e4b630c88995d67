using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansBilling.Sandbox;
using Stripe;
using Stripe.Checkout;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Sandbox;

/// <summary>Checkout in subscription mode: the session, the hosted page, each test card, and what completing it creates and emits.</summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class CheckoutTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_new_session_is_open_and_its_url_is_the_sandbox_page_on_the_requested_host()
    {
        await using var sandbox = await SandboxHost.StartAsync();

        var session = await sandbox.CreateCheckoutAsync();

        Assert.StartsWith("cs_test_", session.Id, StringComparison.Ordinal);
        Assert.Equal("open", session.Status);
        Assert.Equal("subscription", session.Mode);
        Assert.Equal($"{sandbox.BaseUrl}/sandbox/checkout/{session.Id}", session.Url);
        Assert.Equal("ada@example.com", session.CustomerEmail);
        Assert.Equal("acct_42", session.ClientReferenceId);
        Assert.Equal("demo", session.Metadata["product"]);
        Assert.Equal(1000, session.AmountTotal);
        Assert.False(session.Livemode);
    }

    [Fact]
    public async Task Paying_with_4242_starts_an_active_subscription_with_a_paid_first_invoice()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var session = await sandbox.CreateCheckoutAsync();

        var result = await sandbox.Control.CompleteCheckoutAsync(session.Id, "4242 4242 4242 4242", cancellationToken: Ct);

        var completed = await sandbox.Stripe.V1.Checkout.Sessions.GetAsync(session.Id, cancellationToken: Ct);
        Assert.Equal("complete", completed.Status);
        Assert.Equal("paid", completed.PaymentStatus);
        Assert.Equal(result.CustomerId, completed.CustomerId);
        Assert.Equal(result.SubscriptionId, completed.SubscriptionId);
        Assert.Equal("ada@example.com", completed.CustomerDetails.Email);
        Assert.Null(completed.Url);

        var subscription = await sandbox.GetSubscriptionAsync(result.SubscriptionId!);
        Assert.Equal("active", subscription.Status);
        Assert.Equal(result.CustomerId, subscription.CustomerId);
        Assert.Equal("acct_42", subscription.Metadata["customer"]);
        var item = Assert.Single(subscription.Items.Data);
        Assert.Equal(SandboxHost.Basic, item.Price.Id);
        Assert.Equal(1000, item.Price.UnitAmount);
        Assert.Equal("month", item.Price.Recurring.Interval);
        Assert.Equal(item.CurrentPeriodStart.AddMonths(1), item.CurrentPeriodEnd);
        Assert.Null(subscription.TrialEnd);

        var invoice = await sandbox.GetInvoiceAsync(subscription.LatestInvoiceId);
        Assert.Equal("paid", invoice.Status);
        Assert.Equal("subscription_create", invoice.BillingReason);
        Assert.Equal(1000, invoice.AmountDue);
        Assert.Equal(1000, invoice.AmountPaid);
        Assert.Equal(0, invoice.AmountRemaining);
        Assert.Equal(1, invoice.AttemptCount);
        Assert.Equal(subscription.Id, invoice.Parent.SubscriptionDetails.SubscriptionId);
        Assert.Equal("demo", invoice.Parent.SubscriptionDetails.Metadata["product"]);
        Assert.StartsWith("pi_", Assert.Single(invoice.Payments.Data).Payment.PaymentIntentId, StringComparison.Ordinal);
        Assert.Equal(item.CurrentPeriodEnd, Assert.Single(invoice.Lines.Data).Period.End);
        Assert.Equal("ada@example.com", invoice.CustomerEmail);
        Assert.Equal($"{sandbox.BaseUrl}/sandbox/invoices/{invoice.Id}", invoice.HostedInvoiceUrl);

        var customer = await sandbox.Stripe.V1.Customers.GetAsync(result.CustomerId, cancellationToken: Ct);
        Assert.Equal("ada@example.com", customer.Email);
        Assert.StartsWith("pm_", customer.InvoiceSettings.DefaultPaymentMethodId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Paying_with_0341_is_accepted_and_the_first_invoice_is_paid()
    {
        await using var sandbox = await SandboxHost.StartAsync();

        var result = await sandbox.SubscribeAsync(SandboxHost.CardThatFailsLater);

        var subscription = await sandbox.GetSubscriptionAsync(result.SubscriptionId!);
        Assert.Equal("active", subscription.Status);
        Assert.Equal("paid", (await sandbox.GetInvoiceAsync(subscription.LatestInvoiceId)).Status);
    }

    [Fact]
    public async Task Paying_with_9995_is_declined_for_insufficient_funds_and_the_session_stays_open()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var session = await sandbox.CreateCheckoutAsync();

        using var response = await sandbox.Http.PostAsJsonAsync($"/sandbox/checkout/{session.Id}/complete", new { card = SandboxHost.InsufficientFundsCard }, Ct);

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("open", body.GetProperty("status").GetString());
        Assert.Equal("card_declined", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("insufficient_funds", body.GetProperty("error").GetProperty("decline_code").GetString());
        Assert.Equal("open", (await sandbox.Stripe.V1.Checkout.Sessions.GetAsync(session.Id, cancellationToken: Ct)).Status);
        Assert.Empty(sandbox.Receiver.Events);
    }

    [Fact]
    public async Task Paying_with_0002_is_declined_with_a_generic_decline()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var session = await sandbox.CreateCheckoutAsync();

        var result = await sandbox.Control.CompleteCheckoutAsync(session.Id, SandboxHost.DeclinedCard, cancellationToken: Ct);

        Assert.Equal("open", result.Status);
        Assert.Equal(new SandboxCardError("card_declined", "generic_decline", "Your card was declined."), result.Error);
        Assert.Null(result.SubscriptionId);
    }

    [Fact]
    public async Task A_declined_card_can_be_followed_by_a_good_one()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var session = await sandbox.CreateCheckoutAsync();
        await sandbox.Control.CompleteCheckoutAsync(session.Id, SandboxHost.DeclinedCard, cancellationToken: Ct);

        var result = await sandbox.Control.CompleteCheckoutAsync(session.Id, SandboxHost.SucceedingCard, cancellationToken: Ct);

        Assert.Equal("complete", result.Status);
        Assert.Null(result.Error);
    }

    [Fact]
    public async Task Completing_a_checkout_emits_Stripes_events_in_order()
    {
        await using var sandbox = await SandboxHost.StartAsync();

        await sandbox.SubscribeAsync();

        Assert.Equal(
            ["customer.created", "checkout.session.completed", "customer.subscription.created", "invoice.created", "invoice.finalized", "invoice.paid", "invoice.payment_succeeded"],
            sandbox.Receiver.Types);
        var events = sandbox.Receiver.Events;
        Assert.IsType<Customer>(events[0].Data.Object);
        Assert.Equal("complete", Assert.IsType<Session>(events[1].Data.Object).Status);
        Assert.Equal("active", Assert.IsType<Subscription>(events[2].Data.Object).Status);
        Assert.Equal("draft", Assert.IsType<Invoice>(events[3].Data.Object).Status);
        Assert.Equal("open", Assert.IsType<Invoice>(events[4].Data.Object).Status);
        Assert.Equal("paid", Assert.IsType<Invoice>(events[5].Data.Object).Status);
    }

    [Fact]
    public async Task A_session_for_an_existing_customer_uses_that_customer()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var customer = await sandbox.Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "grace@example.com" }, cancellationToken: Ct);
        var session = await sandbox.CreateCheckoutAsync(customer: customer.Id);

        var result = await sandbox.Control.CompleteCheckoutAsync(session.Id, SandboxHost.SucceedingCard, cancellationToken: Ct);

        Assert.Equal(customer.Id, result.CustomerId);
        Assert.Single(sandbox.Receiver.OfType("customer.created"));
    }

    [Fact]
    public async Task A_customer_without_an_address_gets_the_one_entered_at_checkout_as_Stripe_does()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var customer = await sandbox.Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions(), cancellationToken: Ct);
        var session = await sandbox.CreateCheckoutAsync(customer: customer.Id, email: null);

        await sandbox.Control.CompleteCheckoutAsync(session.Id, SandboxHost.SucceedingCard, "eve@example.com", Ct);

        Assert.Equal("eve@example.com", (await sandbox.Stripe.V1.Customers.GetAsync(customer.Id, cancellationToken: Ct)).Email);
        Assert.Equal("eve@example.com", (await sandbox.Stripe.V1.Checkout.Sessions.GetAsync(session.Id, cancellationToken: Ct)).CustomerDetails.Email);
        var updated = Assert.Single(sandbox.Receiver.OfType("customer.updated"));
        Assert.Equal("eve@example.com", Assert.IsType<Customer>(updated.Data.Object).Email);
    }

    [Fact]
    public async Task A_customer_with_an_address_keeps_it_whatever_is_entered_at_checkout()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var customer = await sandbox.Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "grace@example.com" }, cancellationToken: Ct);
        var session = await sandbox.CreateCheckoutAsync(customer: customer.Id, email: null);

        await sandbox.Control.CompleteCheckoutAsync(session.Id, SandboxHost.SucceedingCard, "eve@example.com", Ct);

        Assert.Equal("grace@example.com", (await sandbox.Stripe.V1.Customers.GetAsync(customer.Id, cancellationToken: Ct)).Email);
        Assert.Empty(sandbox.Receiver.OfType("customer.updated"));
    }

    [Fact]
    public async Task The_hosted_page_shows_the_plan_and_amount_in_a_card_form()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var session = await sandbox.CreateCheckoutAsync();

        var html = await sandbox.Http.GetStringAsync(new Uri(session.Url), Ct);

        Assert.Contains("Subscribe to Basic", html, StringComparison.Ordinal);
        Assert.Contains("10.00 EUR", html, StringComparison.Ordinal);
        Assert.Contains($"<form method=\"post\" action=\"/sandbox/checkout/{session.Id}\">", html, StringComparison.Ordinal);
        Assert.Contains("name=\"card\"", html, StringComparison.Ordinal);
        Assert.Contains("<button type=\"submit\">Pay 10.00 EUR</button>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submitting_the_hosted_form_with_a_good_card_redirects_to_the_success_url_when_it_answers()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var session = await sandbox.Stripe.V1.Checkout.Sessions.CreateAsync(
            new Stripe.Checkout.SessionCreateOptions
            {
                Mode = "subscription",
                LineItems = [new Stripe.Checkout.SessionLineItemOptions { Price = SandboxHost.Basic, Quantity = 1 }],
                SuccessUrl = $"{sandbox.BaseUrl}/sandbox/clock?session={{CHECKOUT_SESSION_ID}}",
                CustomerEmail = "ada@example.com",
            },
            cancellationToken: Ct);

        using var form = new FormUrlEncodedContent([new("card", "4242 4242 4242 4242")]);
        using var response = await sandbox.Http.PostAsync(new Uri(session.Url), form, Ct);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal(new Uri($"{sandbox.BaseUrl}/sandbox/clock?session={session.Id}"), response.Headers.Location);
        Assert.Equal("complete", (await sandbox.Stripe.V1.Checkout.Sessions.GetAsync(session.Id, cancellationToken: Ct)).Status);
    }

    [Fact]
    public async Task A_paid_checkout_whose_success_url_cannot_be_reached_ends_on_the_sandbox_s_success_page()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var session = await sandbox.CreateCheckoutAsync();

        using var form = new FormUrlEncodedContent([new("card", "4242 4242 4242 4242")]);
        using var response = await sandbox.Http.PostAsync(new Uri(session.Url), form, Ct);
        var page = await sandbox.Http.GetStringAsync(response.Headers.Location, Ct);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal($"/sandbox/checkout/{session.Id}/success", response.Headers.Location!.OriginalString);
        Assert.Contains("Payment complete", page, StringComparison.Ordinal);
        Assert.Contains($"https://app.example/success?session={session.Id}", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submitting_the_hosted_form_with_a_declined_card_shows_the_error_on_the_page()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var session = await sandbox.CreateCheckoutAsync();

        using var form = new FormUrlEncodedContent([new("card", SandboxHost.DeclinedCard)]);
        using var response = await sandbox.Http.PostAsync(new Uri(session.Url), form, Ct);

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Contains("Your card was declined.", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Contains("Your card was declined.", await sandbox.Http.GetStringAsync(new Uri(session.Url), Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expiring_an_open_session_emits_checkout_session_expired()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var session = await sandbox.CreateCheckoutAsync();

        var expired = await sandbox.Stripe.V1.Checkout.Sessions.ExpireAsync(session.Id, cancellationToken: Ct);

        Assert.Equal("expired", expired.Status);
        var received = Assert.Single(sandbox.Receiver.OfType("checkout.session.expired"));
        Assert.Equal(session.Id, ((Session)received.Data.Object).Id);
        var again = await Assert.ThrowsAsync<StripeException>(() => sandbox.Stripe.V1.Checkout.Sessions.ExpireAsync(session.Id, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.BadRequest, again.HttpStatusCode);
    }

    [Fact]
    public async Task An_open_session_expires_by_itself_after_24_hours_of_sandbox_time()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var session = await sandbox.CreateCheckoutAsync();

        await sandbox.AdvanceDaysAsync(1.5);

        Assert.Equal("expired", (await sandbox.Stripe.V1.Checkout.Sessions.GetAsync(session.Id, cancellationToken: Ct)).Status);
        Assert.Single(sandbox.Receiver.OfType("checkout.session.expired"));
    }

    [Fact]
    public async Task A_session_needs_a_known_price_and_the_return_urls()
    {
        await using var sandbox = await SandboxHost.StartAsync();

        var unknownPrice = await Assert.ThrowsAsync<StripeException>(() => sandbox.CreateCheckoutAsync(price: "price_nope"));
        var noSuccessUrl = await Assert.ThrowsAsync<StripeException>(() => sandbox.Stripe.V1.Checkout.Sessions.CreateAsync(
            new SessionCreateOptions { Mode = "subscription", LineItems = [new SessionLineItemOptions { Price = SandboxHost.Basic, Quantity = 1 }], CancelUrl = "https://app.example/cancel" },
            cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.BadRequest, unknownPrice.HttpStatusCode);
        Assert.Equal("resource_missing", unknownPrice.StripeError.Code);
        Assert.Equal("line_items[0][price]", unknownPrice.StripeError.Param);
        Assert.Equal(HttpStatusCode.BadRequest, noSuccessUrl.HttpStatusCode);
        Assert.Equal("parameter_missing", noSuccessUrl.StripeError.Code);
        Assert.Equal("success_url", noSuccessUrl.StripeError.Param);
    }
}
