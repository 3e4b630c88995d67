using Newtonsoft.Json.Linq;
using Stripe;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Sandbox;

/// <summary>
/// Coupons and the discounts they make on a subscription, through Stripe.net as a dashboard would apply them: what each
/// renewal invoice takes off, how long a discount lasts, and the discount with its coupon when the service expands it.
/// </summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class DiscountTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_forever_coupon_takes_its_share_off_every_renewal_and_expands_with_its_coupon()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync();
        var coupon = await sandbox.Stripe.V1.Coupons.CreateAsync(new CouponCreateOptions { PercentOff = 25.5m, Duration = "forever", Name = "Loyal" }, cancellationToken: Ct);

        await ApplyAsync(sandbox, result.SubscriptionId!, coupon.Id);
        var renewals = await RenewalsAsync(sandbox, result.SubscriptionId!, 2);

        // The service's own fetch: the discount and its coupon, in one call.
        var fetched = await sandbox.Stripe.V1.Subscriptions.GetAsync(
            result.SubscriptionId, new SubscriptionGetOptions { Expand = ["customer", "discounts.source.coupon"] }, cancellationToken: Ct);
        var discount = Assert.Single(fetched.Discounts);
        Assert.StartsWith("di_", discount.Id);
        Assert.Equal((25.5m, "forever", null), (discount.Source.Coupon.PercentOff, discount.Source.Coupon.Duration, discount.End));
        Assert.Equal(1, (await sandbox.Stripe.V1.Coupons.GetAsync(coupon.Id, cancellationToken: Ct)).TimesRedeemed);

        // 10.00 less 25.5% (2.55) on each renewal, on the invoice and on its line.
        Assert.All(renewals, invoice =>
        {
            Assert.Equal((1000L, 745L, 745L), (invoice.Subtotal, invoice.Total, invoice.AmountPaid));
            Assert.Equal((255L, discount.Id), (invoice.TotalDiscountAmounts.Single().Amount, invoice.TotalDiscountAmounts.Single().DiscountId));
            Assert.Equal(255L, invoice.Lines.Data.Single().DiscountAmounts.Single().Amount);
        });

        // A preview of a move to Pro (30.00) shows the next period with the discount: 30.00 less 7.65; nothing is spent.
        var preview = await sandbox.Stripe.V1.Invoices.CreatePreviewAsync(new InvoiceCreatePreviewOptions
        {
            Subscription = result.SubscriptionId,
            SubscriptionDetails = new InvoiceSubscriptionDetailsOptions { Items = [new InvoiceSubscriptionDetailsItemOptions { Id = fetched.Items.Data[0].Id, Price = SandboxHost.Pro }] },
        }, cancellationToken: Ct);
        var next = preview.Lines.Data.Single(l => l.Parent.SubscriptionItemDetails.Proration != true);
        Assert.Equal((3000L, 765L), (next.Amount, next.DiscountAmounts.Single().Amount));
        var applied = sandbox.Receiver.OfType("customer.subscription.updated").First();
        Assert.Equal([discount.Id], ((Subscription)applied.Data.Object).DiscountIds);
        Assert.Empty((JArray)((JObject)applied.Data.PreviousAttributes)["discounts"]!);
    }

    [Fact]
    public async Task A_once_coupon_takes_one_invoice_and_a_repeating_one_its_months_then_they_are_gone()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var once = await sandbox.SubscribeAsync();
        var repeating = await sandbox.SubscribeAsync();
        var half = await sandbox.Stripe.V1.Coupons.CreateAsync(new CouponCreateOptions { Id = "HALF", PercentOff = 50, Duration = "once" }, cancellationToken: Ct);
        var threeOff = await sandbox.Stripe.V1.Coupons.CreateAsync(new CouponCreateOptions { AmountOff = 300, Currency = "eur", Duration = "repeating", DurationInMonths = 2 }, cancellationToken: Ct);

        await sandbox.AdvanceDaysAsync(10);
        await ApplyAsync(sandbox, once.SubscriptionId!, half.Id);
        await ApplyAsync(sandbox, repeating.SubscriptionId!, threeOff.Id);
        var onceTotals = new List<long>();
        var repeatingTotals = new List<long>();
        for (var month = 0; month < 3; month++)
        {
            await sandbox.AdvanceDaysAsync(31);
            onceTotals.Add((await sandbox.GetInvoiceAsync((await sandbox.GetSubscriptionAsync(once.SubscriptionId!)).LatestInvoiceId)).Total);
            repeatingTotals.Add((await sandbox.GetInvoiceAsync((await sandbox.GetSubscriptionAsync(repeating.SubscriptionId!)).LatestInvoiceId)).Total);
        }

        // Applied on day 10: half off the first renewal; 3.00 off each invoice of the two months from then (days 31 and 59-62).
        Assert.Equal([500L, 1000L, 1000L], onceTotals);
        Assert.Equal([700L, 700L, 1000L], repeatingTotals);
        Assert.Empty((await sandbox.GetSubscriptionAsync(once.SubscriptionId!)).DiscountIds);
        Assert.Empty((await sandbox.GetSubscriptionAsync(repeating.SubscriptionId!)).DiscountIds);
        Assert.Contains(
            sandbox.Receiver.OfType("customer.subscription.updated"),
            e => ((Subscription)e.Data.Object).Id == once.SubscriptionId && ((JObject)e.Data.PreviousAttributes)["discounts"] is JArray { Count: 1 });
    }

    [Fact]
    public async Task Discounts_are_replaced_kept_or_cleared_and_a_coupon_that_cannot_apply_is_refused()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync();
        var tenth = await sandbox.Stripe.V1.Coupons.CreateAsync(new CouponCreateOptions { PercentOff = 10, Duration = "forever" }, cancellationToken: Ct);
        var dollars = await sandbox.Stripe.V1.Coupons.CreateAsync(new CouponCreateOptions { AmountOff = 200, Currency = "usd", Duration = "forever" }, cancellationToken: Ct);
        var id = result.SubscriptionId!;

        var first = (await ApplyAsync(sandbox, id, tenth.Id)).DiscountIds.Single();
        var kept = await sandbox.Stripe.V1.Subscriptions.UpdateAsync(id, new SubscriptionUpdateOptions { Discounts = [new SubscriptionDiscountOptions { Discount = first }] }, cancellationToken: Ct);
        var wrongCurrency = await Assert.ThrowsAsync<StripeException>(() => ApplyAsync(sandbox, id, dollars.Id));
        var unknown = await Assert.ThrowsAsync<StripeException>(() => ApplyAsync(sandbox, id, "NO_SUCH"));
        var noPercent = await Assert.ThrowsAsync<StripeException>(() => sandbox.Stripe.V1.Coupons.CreateAsync(new CouponCreateOptions { PercentOff = 120, Duration = "once" }, cancellationToken: Ct));
        var cleared = await sandbox.Stripe.V1.Subscriptions.UpdateAsync(id, new SubscriptionUpdateOptions { Discounts = [] }, cancellationToken: Ct);

        Assert.Equal([first], kept.DiscountIds);
        Assert.Equal(("invalid_request_error", "discounts[0][coupon]"), (wrongCurrency.StripeError.Type, wrongCurrency.StripeError.Param));
        Assert.Equal("resource_missing", unknown.StripeError.Code);
        Assert.Equal("percent_off", noPercent.StripeError.Param);
        Assert.Empty(cleared.DiscountIds);
    }

    private static Task<Subscription> ApplyAsync(SandboxHost sandbox, string subscriptionId, string couponId) =>
        sandbox.Stripe.V1.Subscriptions.UpdateAsync(
            subscriptionId, new SubscriptionUpdateOptions { Discounts = [new SubscriptionDiscountOptions { Coupon = couponId }] }, cancellationToken: Ct);

    private static async Task<List<Invoice>> RenewalsAsync(SandboxHost sandbox, string subscriptionId, int count)
    {
        var invoices = new List<Invoice>();
        for (var i = 0; i < count; i++)
        {
            await sandbox.AdvanceDaysAsync(31);
            invoices.Add(await sandbox.GetInvoiceAsync((await sandbox.GetSubscriptionAsync(subscriptionId)).LatestInvoiceId));
        }

        return invoices;
    }
}
