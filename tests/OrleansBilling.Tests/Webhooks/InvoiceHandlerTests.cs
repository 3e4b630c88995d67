using System.Text.Json.Nodes;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Stripe.Webhooks;
using OrleansBilling.Tests.Infrastructure;
using Stripe;
using Xunit;

namespace OrleansBilling.Tests.Webhooks;

/// <summary><see cref="InvoiceHandler"/> fed with Stripe's example invoice.</summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class InvoiceHandlerTests
{
    private readonly InvoiceHandler handler = new();

    [Theory]
    [InlineData(EventTypes.InvoicePaid)]
    [InlineData(EventTypes.InvoicePaymentSucceeded)]
    public void A_paid_invoice_carries_its_money_and_its_period(string type)
    {
        var invoice = Invoice();
        invoice["status"] = "paid";
        invoice["amount_paid"] = 1000;

        var e = Route(type, invoice).Event;

        Assert.Equal(ProviderEventKind.InvoicePaid, e.Kind);
        Assert.Equal(("in_1Pgc6tB7WZ01zgkWu9fdqL6I", "sub_fx", 1000L, "usd"), (e.InvoiceId, e.ProviderSubscriptionId, e.AmountMinor, e.Currency));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1721954054), e.PeriodEnd);

        // The address on an invoice is frozen when it is finalized: it never tells where email goes now.
        Assert.Null(e.Email);
    }

    [Fact]
    public void A_failed_payment_is_one_change_per_attempt_and_names_where_to_pay()
    {
        var invoice = Invoice();
        invoice["attempt_count"] = 2;
        invoice["hosted_invoice_url"] = "https://invoice.stripe.com/i/fx";

        var e = Route(EventTypes.InvoicePaymentFailed, invoice).Event;

        Assert.Equal(ProviderEventKind.InvoicePaymentFailed, e.Kind);
        Assert.Equal("in_1Pgc6tB7WZ01zgkWu9fdqL6I/attempt-2/failed", e.ChangeId);
        Assert.Equal("https://invoice.stripe.com/i/fx", e.HostedInvoiceUrl);
        Assert.Equal(1000, e.AmountMinor);
    }

    [Theory]
    [InlineData(EventTypes.InvoiceFinalized, HistoryFact.InvoiceFinalized, "in_1Pgc6tB7WZ01zgkWu9fdqL6I/finalized")]
    [InlineData(EventTypes.InvoicePaymentActionRequired, HistoryFact.PaymentActionRequired, "in_1Pgc6tB7WZ01zgkWu9fdqL6I/attempt-0/action-required")]
    public void Finalized_and_action_required_invoices_are_facts_for_the_history(string type, HistoryFact fact, string change)
    {
        var e = Route(type, Invoice()).Event;

        Assert.Equal((ProviderEventKind.Fact, fact, change), (e.Kind, e.Fact, e.ChangeId));
    }

    [Fact]
    public void An_invoice_of_no_subscription_is_not_this_services()
    {
        var invoice = StripeFixtures.Example("invoice");
        invoice["parent"] = null;

        Assert.IsType<WebhookRoute.Ignore>(handler.Route(StripeFixtures.Event(EventTypes.InvoicePaid, invoice)));
    }

    private WebhookRoute.Apply Route(string type, JsonObject invoice)
    {
        var route = Assert.IsType<WebhookRoute.Apply>(handler.Route(StripeFixtures.Event(type, invoice)));
        Assert.Equal(("demo/c1", "cus_QXg1o8vcGmoR32"), (route.SubscriptionKey, route.ProviderCustomerId));
        return route;
    }

    /// <summary>Stripe's example invoice, as an invoice of a subscription this service created.</summary>
    private static JsonObject Invoice()
    {
        var invoice = StripeFixtures.Example("invoice");
        invoice["customer_email"] = "ada@example.com";
        invoice["parent"] = new JsonObject
        {
            ["type"] = "subscription_details",
            ["subscription_details"] = new JsonObject { ["subscription"] = "sub_fx", ["metadata"] = StripeFixtures.Metadata() },
        };
        return invoice;
    }
}
