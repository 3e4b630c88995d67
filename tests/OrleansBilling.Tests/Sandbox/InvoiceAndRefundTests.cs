using System.Net;
using Stripe;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Sandbox;

/// <summary>Listing invoices, and refunding what was paid.</summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class InvoiceAndRefundTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Invoices_are_listed_newest_first_filtered_by_customer_subscription_and_status_and_paged()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var ada = await sandbox.SubscribeAsync();
        var grace = await sandbox.SubscribeAsync(SandboxHost.CardThatFailsLater);
        await sandbox.AdvanceDaysAsync(31);
        await sandbox.AdvanceDaysAsync(31);

        var adas = await sandbox.Stripe.V1.Invoices.ListAsync(new InvoiceListOptions { Customer = ada.CustomerId }, cancellationToken: Ct);
        var gracesOpen = await sandbox.Stripe.V1.Invoices.ListAsync(new InvoiceListOptions { Subscription = grace.SubscriptionId, Status = "open" }, cancellationToken: Ct);
        var firstPage = await sandbox.Stripe.V1.Invoices.ListAsync(new InvoiceListOptions { Limit = 2 }, cancellationToken: Ct);
        var secondPage = await sandbox.Stripe.V1.Invoices.ListAsync(new InvoiceListOptions { Limit = 2, StartingAfter = firstPage.Data[^1].Id }, cancellationToken: Ct);
        var all = await sandbox.Stripe.V1.Invoices.ListAsync(new InvoiceListOptions { Limit = 100 }, cancellationToken: Ct);

        Assert.Equal(3, adas.Data.Count);
        Assert.All(adas.Data, i => Assert.Equal(ada.CustomerId, i.CustomerId));
        Assert.Equal(["subscription_cycle", "subscription_cycle", "subscription_create"], adas.Data.Select(i => i.BillingReason));
        Assert.Equal(2, gracesOpen.Data.Count);
        Assert.All(gracesOpen.Data, i => Assert.Equal("open", i.Status));
        Assert.True(firstPage.HasMore);
        Assert.Equal(6, all.Data.Count);
        Assert.Equal(all.Data.Skip(2).Take(2).Select(i => i.Id), secondPage.Data.Select(i => i.Id));
    }

    [Fact]
    public async Task A_full_refund_of_a_payment_intent_emits_refund_created_and_charge_refunded()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync();
        var invoice = await sandbox.GetInvoiceAsync(result.InvoiceId!);
        var paymentIntent = invoice.Payments.Data[0].Payment.PaymentIntentId;

        var refund = await sandbox.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = paymentIntent, Reason = "requested_by_customer" }, cancellationToken: Ct);

        Assert.StartsWith("re_", refund.Id, StringComparison.Ordinal);
        Assert.Equal("succeeded", refund.Status);
        Assert.Equal(1000, refund.Amount);
        Assert.Equal(paymentIntent, refund.PaymentIntentId);
        Assert.Equal(refund.Id, (await sandbox.Stripe.V1.Refunds.GetAsync(refund.Id, cancellationToken: Ct)).Id);
        Assert.Equal(refund.Id, ((Refund)sandbox.Receiver.OfType("refund.created").Single().Data.Object).Id);
        var charge = (Charge)sandbox.Receiver.OfType("charge.refunded").Single().Data.Object;
        Assert.True(charge.Refunded);
        Assert.Equal(1000, charge.AmountRefunded);
        Assert.Equal(refund.ChargeId, charge.Id);
    }

    [Fact]
    public async Task A_partial_refund_leaves_the_rest_to_refund_and_no_more()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync();
        var paymentIntent = (await sandbox.GetInvoiceAsync(result.InvoiceId!)).Payments.Data[0].Payment.PaymentIntentId;

        var part = await sandbox.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = paymentIntent, Amount = 300 }, cancellationToken: Ct);
        var tooMuch = await Assert.ThrowsAsync<StripeException>(() =>
            sandbox.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { Charge = part.ChargeId, Amount = 701 }, cancellationToken: Ct));
        var rest = await sandbox.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { Charge = part.ChargeId }, cancellationToken: Ct);

        Assert.Equal(300, part.Amount);
        Assert.Equal(HttpStatusCode.BadRequest, tooMuch.HttpStatusCode);
        Assert.Equal("amount_too_large", tooMuch.StripeError.Code);
        Assert.Equal(700, rest.Amount);
        var refunded = sandbox.Receiver.OfType("charge.refunded").Select(e => (Charge)e.Data.Object).ToList();
        Assert.Equal([false, true], refunded.Select(c => c.Refunded));
        Assert.Equal(1000, (await sandbox.Stripe.V1.Charges.GetAsync(part.ChargeId, cancellationToken: Ct)).AmountRefunded);
    }

    [Fact]
    public async Task A_refund_of_an_unknown_payment_intent_is_400_resource_missing()
    {
        await using var sandbox = await SandboxHost.StartAsync();

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            sandbox.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = "pi_missing" }, cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("resource_missing", error.StripeError.Code);
        Assert.Equal("payment_intent", error.StripeError.Param);
    }

    [Fact]
    public async Task An_open_invoice_can_be_voided()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync(SandboxHost.CardThatFailsLater);
        await sandbox.AdvanceDaysAsync(31);
        var open = (await sandbox.GetSubscriptionAsync(result.SubscriptionId!)).LatestInvoiceId;

        var voided = await sandbox.Stripe.V1.Invoices.VoidInvoiceAsync(open, cancellationToken: Ct);

        Assert.Equal("void", voided.Status);
        Assert.Single(sandbox.Receiver.OfType("invoice.voided"));
    }
}
