using Stripe;
using Stripe.Billing;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Sandbox;

/// <summary>
/// Metered prices as Stripe models them (issue 11 §2): sold at checkout beside the licensed price without a
/// quantity, added and taken off as items, and billed in arrears at the period's end from the meter's events
/// (sum, count or last; per unit or graduated with free units first).
/// </summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class MeteredPriceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Checkout_puts_the_metered_prices_on_the_subscription_as_items_without_a_quantity()
    {
        await using var sandbox = await SandboxHost.StartAsync();

        var result = await sandbox.SubscribeAsync(metered: [SandboxHost.BasicCalls]);

        var subscription = await sandbox.GetSubscriptionAsync(result.SubscriptionId!);
        var first = await sandbox.GetInvoiceAsync(subscription.LatestInvoiceId);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/sandbox/stripe/v1/subscriptions/{subscription.Id}", UriKind.Relative));
        request.Headers.Authorization = new("Bearer", SandboxHost.TestKey);
        using var raw = await sandbox.Http.SendAsync(request, Ct);
        var items = System.Text.Json.JsonDocument.Parse(await raw.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("items").GetProperty("data");
        var price = subscription.Items.Data[1].Price;
        Assert.Equal([SandboxHost.Basic, SandboxHost.BasicCalls], subscription.Items.Data.Select(i => i.Price.Id));
        Assert.True(items[0].TryGetProperty("quantity", out _));
        Assert.False(items[1].TryGetProperty("quantity", out _));
        Assert.Equal(("metered", "tiered", "graduated"), (price.Recurring.UsageType, price.BillingScheme, price.TiersMode));
        Assert.StartsWith("mtr_", price.Recurring.Meter, StringComparison.Ordinal);
        Assert.Null(price.UnitAmount);
        Assert.Equal(1000, first.AmountPaid);
    }

    [Theory]
    [InlineData("quantity")]
    [InlineData("only_metered")]
    [InlineData("twice")]
    public async Task Checkout_refuses_a_quantity_on_a_metered_price_a_session_without_a_licensed_price_and_a_price_twice(string mistake)
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var options = new Stripe.Checkout.SessionCreateOptions
        {
            Mode = "subscription",
            SuccessUrl = "https://app.example/success",
            LineItems = mistake switch
            {
                "quantity" => [new() { Price = SandboxHost.Basic, Quantity = 1 }, new() { Price = SandboxHost.BasicCalls, Quantity = 1 }],
                "only_metered" => [new() { Price = SandboxHost.BasicCalls }],
                _ => [new() { Price = SandboxHost.Basic, Quantity = 1 }, new() { Price = SandboxHost.BasicCalls }, new() { Price = SandboxHost.BasicCalls }],
            },
        };

        var error = await Assert.ThrowsAsync<StripeException>(() => sandbox.Stripe.V1.Checkout.Sessions.CreateAsync(options, cancellationToken: Ct));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal(mistake == "quantity" ? "line_items[1][quantity]" : "line_items", error.StripeError.Param);
    }

    [Fact]
    public async Task The_renewal_bills_the_past_periods_usage_beyond_the_free_tier_and_only_that_customers_events_in_the_period()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync(metered: [SandboxHost.BasicCalls]);
        var other = await sandbox.SubscribeAsync(metered: [SandboxHost.BasicCalls]);
        var start = (await sandbox.GetSubscriptionAsync(result.SubscriptionId!)).Items.Data[0].CurrentPeriodStart;

        await ReportAsync(sandbox, "api_calls", result.CustomerId!, "120", start.AddDays(1));
        await ReportAsync(sandbox, "api_calls", result.CustomerId!, "30.5", start.AddDays(2));
        await ReportAsync(sandbox, "api_calls", result.CustomerId!, "1000", start.AddDays(-1));
        await ReportAsync(sandbox, "api_calls", other.CustomerId!, "999", start.AddDays(1));
        await sandbox.AdvanceDaysAsync(31);

        var renewed = await sandbox.GetSubscriptionAsync(result.SubscriptionId!);
        var invoice = await sandbox.GetInvoiceAsync(renewed.LatestInvoiceId);
        Assert.Equal(
            [(1000L, 1L, "1"), (0L, 100L, "100"), (25L, 51L, "50.5")],
            invoice.Lines.Data.Select(l => (l.Amount, l.Quantity ?? 0, l.QuantityDecimal?.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal(start, invoice.Lines.Data[2].Period.Start);
        Assert.Equal(renewed.Items.Data[0].CurrentPeriodStart, invoice.Lines.Data[2].Period.End);
        Assert.Equal(("paid", 1025L), (invoice.Status, invoice.AmountPaid));
    }

    [Fact]
    public async Task Count_and_last_meters_bill_the_number_of_events_and_the_latest_value()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync(metered: [SandboxHost.Logins, SandboxHost.Seats]);
        var start = (await sandbox.GetSubscriptionAsync(result.SubscriptionId!)).Items.Data[0].CurrentPeriodStart;

        foreach (var day in new[] { 1, 2, 3 })
        {
            await ReportAsync(sandbox, "logins", result.CustomerId!, "7", start.AddDays(day));
        }

        await ReportAsync(sandbox, "seats", result.CustomerId!, "5", start.AddDays(3));
        await ReportAsync(sandbox, "seats", result.CustomerId!, "2", start.AddDays(9));
        await ReportAsync(sandbox, "seats", result.CustomerId!, "4", start.AddDays(6));
        await sandbox.AdvanceDaysAsync(31);

        var invoice = await sandbox.GetInvoiceAsync((await sandbox.GetSubscriptionAsync(result.SubscriptionId!)).LatestInvoiceId);
        Assert.Equal([(1000L, 1L), (30L, 3L), (600L, 2L)], invoice.Lines.Data.Select(l => (l.Amount, l.Quantity ?? 0)));
        Assert.Equal(1630, invoice.AmountPaid);
    }

    [Theory]
    [InlineData("classic", "create_prorations", 1100)]
    [InlineData("flexible", "create_prorations", 1200)]
    [InlineData("flexible", "none", 1100)]
    public async Task A_metered_price_swapped_mid_period_bills_its_usage_so_far_only_in_flexible_mode_with_prorations(string billingMode, string proration, long renewal)
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync(metered: [SandboxHost.BasicCalls], billingMode: billingMode);
        var before = await sandbox.GetSubscriptionAsync(result.SubscriptionId!);
        var start = before.Items.Data[0].CurrentPeriodStart;
        await ReportAsync(sandbox, "api_calls", result.CustomerId!, "300", start.AddDays(1));
        await sandbox.AdvanceDaysAsync(10);

        await sandbox.Stripe.V1.Subscriptions.UpdateAsync(before.Id, new SubscriptionUpdateOptions
        {
            Items = [new() { Id = before.Items.Data[1].Id, Deleted = true }, new() { Price = SandboxHost.ProCalls }],
            ProrationBehavior = proration,
        }, cancellationToken: Ct);
        await ReportAsync(sandbox, "api_calls", result.CustomerId!, "400", start.AddDays(15));
        await sandbox.AdvanceDaysAsync(21);

        // Basic's 300 calls before the swap (100 free, 200 at half a cent) are billed only in flexible mode with
        // prorations; Pro's item bills the 400 calls after it at a quarter of a cent either way.
        var invoice = await sandbox.GetInvoiceAsync((await sandbox.GetSubscriptionAsync(before.Id)).LatestInvoiceId);
        Assert.Equal(billingMode, (await sandbox.GetSubscriptionAsync(before.Id)).BillingMode.Type);
        Assert.Equal(renewal, invoice.AmountPaid);
        Assert.Contains(invoice.Lines.Data, l => l.Amount == 100 && l.Quantity == 400);
    }

    [Fact]
    public async Task Usage_during_a_trial_is_not_billed_when_the_trial_ends()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync(trialDays: 7, metered: [SandboxHost.BasicCalls]);
        var start = (await sandbox.GetSubscriptionAsync(result.SubscriptionId!)).Items.Data[0].CurrentPeriodStart;
        await ReportAsync(sandbox, "api_calls", result.CustomerId!, "300", start.AddDays(1));

        await sandbox.AdvanceDaysAsync(8);

        var invoice = await sandbox.GetInvoiceAsync((await sandbox.GetSubscriptionAsync(result.SubscriptionId!)).LatestInvoiceId);
        Assert.Equal(("subscription_cycle", 1000L), (invoice.BillingReason, invoice.AmountPaid));
    }

    [Theory]
    [InlineData("period_end", 100L)]
    [InlineData("now_invoiced", 100L)]
    [InlineData("now", null)]
    public async Task A_subscription_that_ends_bills_its_last_usage_at_the_period_end_or_with_invoice_now(string how, long? finalAmount)
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync(metered: [SandboxHost.BasicCalls]);
        var start = (await sandbox.GetSubscriptionAsync(result.SubscriptionId!)).Items.Data[0].CurrentPeriodStart;
        await ReportAsync(sandbox, "api_calls", result.CustomerId!, "300", start.AddDays(1));
        await sandbox.AdvanceDaysAsync(2);

        if (how == "period_end")
        {
            await sandbox.Stripe.V1.Subscriptions.UpdateAsync(result.SubscriptionId!, new SubscriptionUpdateOptions { CancelAtPeriodEnd = true }, cancellationToken: Ct);
            await sandbox.AdvanceDaysAsync(31);
        }
        else
        {
            await sandbox.Stripe.V1.Subscriptions.CancelAsync(result.SubscriptionId!, new SubscriptionCancelOptions { InvoiceNow = how == "now_invoiced" }, cancellationToken: Ct);
        }

        var invoices = await sandbox.Stripe.V1.Invoices.ListAsync(new InvoiceListOptions { Customer = result.CustomerId }, cancellationToken: Ct);
        Assert.Equal("canceled", (await sandbox.GetSubscriptionAsync(result.SubscriptionId!)).Status);
        Assert.Equal(finalAmount is null ? 1 : 2, invoices.Data.Count);
        if (finalAmount is { } amount)
        {
            Assert.Equal(("paid", amount), (invoices.Data[0].Status, invoices.Data[0].AmountPaid));
        }
    }

    [Fact]
    public async Task A_pending_update_cannot_take_metered_items_off_or_add_them_and_changes_nothing()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync(card: SandboxHost.CardThatFailsLater, metered: [SandboxHost.BasicCalls]);
        var before = await sandbox.GetSubscriptionAsync(result.SubscriptionId!);

        var error = await Assert.ThrowsAsync<StripeException>(() => sandbox.Stripe.V1.Subscriptions.UpdateAsync(before.Id, new SubscriptionUpdateOptions
        {
            Items = [new() { Id = before.Items.Data[0].Id, Price = SandboxHost.Pro }, new() { Id = before.Items.Data[1].Id, Deleted = true }, new() { Price = SandboxHost.ProCalls }],
            ProrationBehavior = "always_invoice",
            PaymentBehavior = "pending_if_incomplete",
        }, cancellationToken: Ct));

        Assert.Equal("payment_behavior", error.StripeError.Param);
        Assert.Equal([SandboxHost.Basic, SandboxHost.BasicCalls], (await sandbox.GetSubscriptionAsync(before.Id)).Items.Data.Select(i => i.Price.Id));
    }

    [Fact]
    public async Task An_update_takes_a_metered_item_off_and_adds_another_beside_the_new_licensed_price()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync(metered: [SandboxHost.BasicCalls]);
        var before = await sandbox.GetSubscriptionAsync(result.SubscriptionId!);

        var after = await sandbox.Stripe.V1.Subscriptions.UpdateAsync(before.Id, new SubscriptionUpdateOptions
        {
            Items =
            [
                new() { Id = before.Items.Data[0].Id, Price = SandboxHost.Pro },
                new() { Id = before.Items.Data[1].Id, Deleted = true },
                new() { Price = SandboxHost.ProCalls },
            ],
            ProrationBehavior = "none",
        }, cancellationToken: Ct);

        Assert.Equal([SandboxHost.Pro, SandboxHost.ProCalls], after.Items.Data.Select(i => i.Price.Id));
        Assert.Equal(before.Items.Data[0].Id, after.Items.Data[0].Id);
    }

    [Theory]
    [InlineData("delete_licensed")]
    [InlineData("add_licensed")]
    [InlineData("add_twice")]
    [InlineData("metered_on_licensed")]
    [InlineData("unknown_item")]
    public async Task An_update_that_would_break_the_one_licensed_item_rule_is_refused_and_changes_nothing(string mistake)
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync(metered: [SandboxHost.BasicCalls]);
        var before = await sandbox.GetSubscriptionAsync(result.SubscriptionId!);
        List<SubscriptionItemOptions> items = mistake switch
        {
            "delete_licensed" => [new() { Id = before.Items.Data[0].Id, Deleted = true }],
            "add_licensed" => [new() { Price = SandboxHost.Pro }],
            "add_twice" => [new() { Price = SandboxHost.BasicCalls }],
            "metered_on_licensed" => [new() { Id = before.Items.Data[0].Id, Price = SandboxHost.ProCalls }],
            _ => [new() { Id = "si_missing", Deleted = true }],
        };

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            sandbox.Stripe.V1.Subscriptions.UpdateAsync(before.Id, new SubscriptionUpdateOptions { Items = items }, cancellationToken: Ct));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal(
            before.Items.Data.Select(i => (i.Id, i.Price.Id)),
            (await sandbox.GetSubscriptionAsync(before.Id)).Items.Data.Select(i => (i.Id, i.Price.Id)));
    }

    private static Task ReportAsync(SandboxHost sandbox, string eventName, string customerId, string value, DateTime at) =>
        sandbox.Stripe.V1.Billing.MeterEvents.CreateAsync(
            new MeterEventCreateOptions
            {
                EventName = eventName,
                Payload = new Dictionary<string, string> { ["stripe_customer_id"] = customerId, ["value"] = value },
                Identifier = Guid.NewGuid().ToString("N"),
                Timestamp = at,
            },
            cancellationToken: Ct);
}
