using System.Net;
using Newtonsoft.Json.Linq;
using Stripe;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Sandbox;

/// <summary>What the clock and the API do to a subscription: trials, renewals, failures, recovery, cancellation, pauses, plan changes.</summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class SubscriptionLifecycleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_trial_starts_trialing_with_a_zero_invoice_that_is_paid_at_once()
    {
        await using var sandbox = await SandboxHost.StartAsync();

        var result = await sandbox.SubscribeAsync(trialDays: 14);

        var subscription = await sandbox.GetSubscriptionAsync(result.SubscriptionId!);
        Assert.Equal("trialing", subscription.Status);
        Assert.Equal(subscription.TrialStart!.Value.AddDays(14), subscription.TrialEnd);
        Assert.Equal(subscription.TrialEnd, subscription.Items.Data[0].CurrentPeriodEnd);
        var invoice = await sandbox.GetInvoiceAsync(subscription.LatestInvoiceId);
        Assert.Equal("paid", invoice.Status);
        Assert.Equal(0, invoice.AmountDue);
        Assert.Empty(invoice.Payments.Data);
        Assert.Equal("no_payment_required", (await sandbox.Stripe.V1.Checkout.Sessions.GetAsync(result.SessionId, cancellationToken: Ct)).PaymentStatus);
    }

    [Fact]
    public async Task A_trial_warns_three_days_before_it_ends_then_converts_with_a_paid_invoice()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync(trialDays: 14);

        await sandbox.AdvanceDaysAsync(10);
        var warnedEarly = sandbox.Receiver.OfType("customer.subscription.trial_will_end").Any();
        await sandbox.AdvanceDaysAsync(1.5);
        var warning = Assert.Single(sandbox.Receiver.OfType("customer.subscription.trial_will_end"));
        var convertedEarly = sandbox.Receiver.OfType("invoice.paid").Count() > 1;
        await sandbox.AdvanceDaysAsync(3);

        Assert.False(warnedEarly);
        Assert.False(convertedEarly);
        var trial = (Subscription)warning.Data.Object;
        Assert.Equal(trial.TrialEnd!.Value.AddDays(-3), warning.Created);
        var subscription = await sandbox.GetSubscriptionAsync(result.SubscriptionId!);
        Assert.Equal("active", subscription.Status);
        Assert.Equal(trial.TrialEnd, subscription.Items.Data[0].CurrentPeriodStart);
        Assert.Equal(trial.TrialEnd.Value.AddMonths(1), subscription.Items.Data[0].CurrentPeriodEnd);
        var invoice = await sandbox.GetInvoiceAsync(subscription.LatestInvoiceId);
        Assert.Equal("subscription_cycle", invoice.BillingReason);
        Assert.Equal("paid", invoice.Status);
        Assert.Equal(1000, invoice.AmountPaid);
        var updated = sandbox.Receiver.OfType("customer.subscription.updated").Last();
        Assert.Equal("trialing", Previous(updated)["status"]!.Value<string>());
    }

    [Fact]
    public async Task A_renewal_charges_the_card_and_moves_the_period()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync();
        var before = await sandbox.GetSubscriptionAsync(result.SubscriptionId!);

        var advance = await sandbox.AdvanceDaysAsync(31);

        Assert.Equal(
            ["invoice.created", "invoice.finalized", "invoice.paid", "invoice.payment_succeeded", "customer.subscription.updated"],
            advance.Events.Select(e => e.Type));
        var after = await sandbox.GetSubscriptionAsync(result.SubscriptionId!);
        Assert.Equal("active", after.Status);
        Assert.Equal(before.Items.Data[0].CurrentPeriodEnd, after.Items.Data[0].CurrentPeriodStart);
        Assert.Equal(before.Items.Data[0].CurrentPeriodEnd.AddMonths(1), after.Items.Data[0].CurrentPeriodEnd);
        var invoice = await sandbox.GetInvoiceAsync(after.LatestInvoiceId);
        Assert.Equal("subscription_cycle", invoice.BillingReason);
        Assert.Equal("paid", invoice.Status);
        Assert.Equal(after.Items.Data[0].CurrentPeriodEnd, invoice.Lines.Data[0].Period.End);
        var updated = sandbox.Receiver.OfType("customer.subscription.updated").Single();
        var previousItem = Previous(updated)["items"]!["data"]![0]!;
        Assert.Equal(new DateTimeOffset(before.Items.Data[0].CurrentPeriodEnd).ToUnixTimeSeconds(), previousItem["current_period_end"]!.Value<long>());
        Assert.Equal(before.Items.Data[0].CurrentPeriodEnd, updated.Created);
    }

    [Fact]
    public async Task A_renewal_on_the_0341_card_fails_and_the_subscription_goes_past_due()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync(SandboxHost.CardThatFailsLater);

        var advance = await sandbox.AdvanceDaysAsync(31);

        Assert.Equal(
            ["invoice.created", "invoice.finalized", "invoice.payment_failed", "customer.subscription.updated"],
            advance.Events.Select(e => e.Type));
        var failed = (Invoice)sandbox.Receiver.OfType("invoice.payment_failed").Single().Data.Object;
        Assert.Equal("open", failed.Status);
        Assert.Equal(1, failed.AttemptCount);
        Assert.Null(failed.NextPaymentAttempt);
        Assert.Equal(1000, failed.AmountRemaining);
        Assert.Equal(result.SubscriptionId, failed.Parent.SubscriptionDetails.SubscriptionId);
        var updated = sandbox.Receiver.OfType("customer.subscription.updated").Single();
        Assert.Equal("past_due", ((Subscription)updated.Data.Object).Status);
        Assert.Equal("active", Previous(updated)["status"]!.Value<string>());
    }

    [Fact]
    public async Task Paying_the_open_invoice_with_the_failing_card_is_a_402_card_error_and_emits_payment_failed()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync(SandboxHost.CardThatFailsLater);
        await sandbox.AdvanceDaysAsync(31);
        var open = (await sandbox.GetSubscriptionAsync(result.SubscriptionId!)).LatestInvoiceId;

        var error = await Assert.ThrowsAsync<StripeException>(() => sandbox.Stripe.V1.Invoices.PayAsync(open, new InvoicePayOptions(), cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.PaymentRequired, error.HttpStatusCode);
        Assert.Equal("card_error", error.StripeError.Type);
        Assert.Equal("card_declined", error.StripeError.Code);
        Assert.Equal("generic_decline", error.StripeError.DeclineCode);
        var failures = sandbox.Receiver.OfType("invoice.payment_failed").Select(e => ((Invoice)e.Data.Object).AttemptCount);
        Assert.Equal([1L, 2L], failures);
    }

    [Fact]
    public async Task Replacing_the_card_and_paying_the_open_invoice_makes_the_subscription_active_again()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync(SandboxHost.CardThatFailsLater);
        await sandbox.AdvanceDaysAsync(31);
        var open = (await sandbox.GetSubscriptionAsync(result.SubscriptionId!)).LatestInvoiceId;

        var replaced = await sandbox.PostJsonAsync($"/sandbox/customers/{result.CustomerId}/card", """{"number":"4242424242424242"}""");
        var paid = await sandbox.Stripe.V1.Invoices.PayAsync(open, new InvoicePayOptions(), cancellationToken: Ct);

        Assert.Equal(HttpStatusCode.OK, replaced);
        Assert.Equal("paid", paid.Status);
        Assert.Equal(2, paid.AttemptCount);
        Assert.Equal("active", (await sandbox.GetSubscriptionAsync(result.SubscriptionId!)).Status);
        var updated = sandbox.Receiver.OfType("customer.subscription.updated").Last();
        Assert.Equal("active", ((Subscription)updated.Data.Object).Status);
        Assert.Equal("past_due", Previous(updated)["status"]!.Value<string>());
    }

    [Fact]
    public async Task Replacing_the_card_with_a_declined_card_is_refused_and_keeps_the_old_one()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync();

        var status = await sandbox.PostJsonAsync($"/sandbox/customers/{result.CustomerId}/card", """{"number":"4000000000009995"}""");

        Assert.Equal(HttpStatusCode.PaymentRequired, status);
        await sandbox.AdvanceDaysAsync(31);
        Assert.Equal("active", (await sandbox.GetSubscriptionAsync(result.SubscriptionId!)).Status);
    }

    [Fact]
    public async Task Cancel_at_period_end_ends_the_subscription_at_the_period_end_without_renewing()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync();

        var scheduled = await sandbox.Stripe.V1.Subscriptions.UpdateAsync(result.SubscriptionId, new SubscriptionUpdateOptions { CancelAtPeriodEnd = true }, cancellationToken: Ct);
        var advance = await sandbox.AdvanceDaysAsync(40);

        Assert.True(scheduled.CancelAtPeriodEnd);
        Assert.Equal(scheduled.Items.Data[0].CurrentPeriodEnd, scheduled.CancelAt);
        Assert.Equal(["customer.subscription.deleted"], advance.Events.Select(e => e.Type));
        var deleted = sandbox.Receiver.OfType("customer.subscription.deleted").Single();
        Assert.Equal(scheduled.CancelAt, deleted.Created);
        var ended = (Subscription)deleted.Data.Object;
        Assert.Equal("canceled", ended.Status);
        Assert.Equal(scheduled.CancelAt, ended.EndedAt);
        Assert.False(Previous(sandbox.Receiver.OfType("customer.subscription.updated").Single())["cancel_at_period_end"]!.Value<bool>());
    }

    [Fact]
    public async Task Undoing_a_scheduled_cancel_keeps_the_subscription_renewing()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync();
        await sandbox.Stripe.V1.Subscriptions.UpdateAsync(result.SubscriptionId, new SubscriptionUpdateOptions { CancelAtPeriodEnd = true }, cancellationToken: Ct);

        var undone = await sandbox.Stripe.V1.Subscriptions.UpdateAsync(result.SubscriptionId, new SubscriptionUpdateOptions { CancelAtPeriodEnd = false }, cancellationToken: Ct);
        await sandbox.AdvanceDaysAsync(31);

        Assert.Null(undone.CancelAt);
        Assert.Equal("active", (await sandbox.GetSubscriptionAsync(result.SubscriptionId!)).Status);
        Assert.Empty(sandbox.Receiver.OfType("customer.subscription.deleted"));
    }

    [Fact]
    public async Task Canceling_now_ends_the_subscription_and_emits_deleted()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync();

        var canceled = await sandbox.Stripe.V1.Subscriptions.CancelAsync(result.SubscriptionId, new SubscriptionCancelOptions { InvoiceNow = false, Prorate = false }, cancellationToken: Ct);

        Assert.Equal("canceled", canceled.Status);
        Assert.NotNull(canceled.CanceledAt);
        Assert.NotNull(canceled.EndedAt);
        Assert.Single(sandbox.Receiver.OfType("customer.subscription.deleted"));
        Assert.Equal("false", sandbox.Requests.To("DELETE", $"/v1/subscriptions/{result.SubscriptionId}").Single().Parameter("prorate"));
    }

    [Theory]
    [InlineData("void", "void")]
    [InlineData("mark_uncollectible", "uncollectible")]
    [InlineData("keep_as_draft", "draft")]
    public async Task Pausing_collection_keeps_the_status_and_the_renewal_invoice_is_not_charged(string behavior, string invoiceStatus)
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync();

        var paused = await sandbox.Stripe.V1.Subscriptions.UpdateAsync(
            result.SubscriptionId,
            new SubscriptionUpdateOptions { PauseCollection = new SubscriptionPauseCollectionOptions { Behavior = behavior } },
            cancellationToken: Ct);
        await sandbox.AdvanceDaysAsync(31);
        var renewed = await sandbox.GetSubscriptionAsync(result.SubscriptionId!);
        var invoices = await sandbox.Stripe.V1.Invoices.ListAsync(new InvoiceListOptions { Subscription = result.SubscriptionId }, cancellationToken: Ct);

        // As at Stripe: the status stays, only pause_collection says collection is paused.
        Assert.Equal("active", paused.Status);
        Assert.Equal(behavior, paused.PauseCollection.Behavior);
        Assert.Empty(sandbox.Receiver.OfType("customer.subscription.paused"));
        var update = sandbox.Receiver.OfType("customer.subscription.updated").First();
        Assert.True(update.Data.PreviousAttributes.ContainsKey("pause_collection"));
        Assert.Equal("active", renewed.Status);
        Assert.Equal(invoiceStatus, invoices.Data[0].Status);
        Assert.Equal(0, invoices.Data[0].AmountPaid);
        Assert.Single(sandbox.Receiver.OfType("invoice.paid"));
    }

    [Fact]
    public async Task An_empty_pause_collection_resumes_collection_and_resume_is_only_for_the_paused_status()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync();
        await sandbox.Stripe.V1.Subscriptions.UpdateAsync(
            result.SubscriptionId,
            new SubscriptionUpdateOptions { PauseCollection = new SubscriptionPauseCollectionOptions { Behavior = "void" } },
            cancellationToken: Ct);
        var notPaused = await Assert.ThrowsAsync<StripeException>(() => sandbox.Stripe.V1.Subscriptions.ResumeAsync(result.SubscriptionId, new SubscriptionResumeOptions(), cancellationToken: Ct));
        var unpause = new SubscriptionUpdateOptions();
        unpause.AddExtraParam("pause_collection", "");

        var resumed = await sandbox.Stripe.V1.Subscriptions.UpdateAsync(result.SubscriptionId, unpause, cancellationToken: Ct);
        await sandbox.AdvanceDaysAsync(31);

        Assert.Equal(HttpStatusCode.BadRequest, notPaused.HttpStatusCode);
        Assert.Equal("active", resumed.Status);
        Assert.Null(resumed.PauseCollection);
        Assert.Empty(sandbox.Receiver.OfType("customer.subscription.resumed"));
        Assert.Equal(2, sandbox.Receiver.OfType("invoice.paid").Count());
    }

    [Theory]
    [InlineData(-5L)]
    [InlineData(99999999999999L)]
    public async Task A_resumes_at_in_the_past_or_beyond_the_calendar_is_400(long offsetSeconds)
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync();
        var options = new SubscriptionUpdateOptions { PauseCollection = new SubscriptionPauseCollectionOptions { Behavior = "void" } };
        options.AddExtraParam("pause_collection[resumes_at]", (sandbox.Clock.GetUtcNow().ToUnixTimeSeconds() + offsetSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture));

        var error = await Assert.ThrowsAsync<StripeException>(() => sandbox.Stripe.V1.Subscriptions.UpdateAsync(result.SubscriptionId, options, cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("pause_collection[resumes_at]", error.StripeError.Param);
        Assert.Null((await sandbox.GetSubscriptionAsync(result.SubscriptionId!)).PauseCollection);
    }

    [Fact]
    public async Task Collection_resumes_by_itself_at_resumes_at()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync();
        var resumesAt = sandbox.Clock.GetUtcNow().AddDays(40);
        var paused = await sandbox.Stripe.V1.Subscriptions.UpdateAsync(
            result.SubscriptionId,
            new SubscriptionUpdateOptions { PauseCollection = new SubscriptionPauseCollectionOptions { Behavior = "void", ResumesAt = resumesAt.UtcDateTime } },
            cancellationToken: Ct);

        await sandbox.AdvanceDaysAsync(31);
        var stillPaused = await sandbox.GetSubscriptionAsync(result.SubscriptionId!);
        await sandbox.AdvanceDaysAsync(10);
        var resumed = await sandbox.GetSubscriptionAsync(result.SubscriptionId!);
        await sandbox.AdvanceDaysAsync(30);

        Assert.Equal(resumesAt.ToUnixTimeSeconds(), new DateTimeOffset(paused.PauseCollection.ResumesAt!.Value, TimeSpan.Zero).ToUnixTimeSeconds());
        Assert.NotNull(stillPaused.PauseCollection);
        Assert.Null(resumed.PauseCollection);
        Assert.Equal(["paid", "void", "paid"], (await sandbox.Stripe.V1.Invoices.ListAsync(new InvoiceListOptions { Subscription = result.SubscriptionId }, cancellationToken: Ct)).Data.Select(i => i.Status).Reverse());
    }

    [Fact]
    public async Task Switching_price_with_always_invoice_charges_the_prorated_difference_at_once()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync();
        var subscription = await sandbox.GetSubscriptionAsync(result.SubscriptionId!);
        await sandbox.AdvanceDaysAsync(10);

        var switched = await sandbox.Stripe.V1.Subscriptions.UpdateAsync(
            subscription.Id,
            new SubscriptionUpdateOptions
            {
                Items = [new SubscriptionItemOptions { Id = subscription.Items.Data[0].Id, Price = SandboxHost.Pro }],
                ProrationBehavior = "always_invoice",
            },
            cancellationToken: Ct);

        Assert.Equal(SandboxHost.Pro, switched.Items.Data[0].Price.Id);
        Assert.Equal(subscription.Items.Data[0].CurrentPeriodEnd, switched.Items.Data[0].CurrentPeriodEnd);
        var proration = await sandbox.GetInvoiceAsync(switched.LatestInvoiceId);
        Assert.Equal("subscription_update", proration.BillingReason);
        Assert.Equal("paid", proration.Status);
        var item = subscription.Items.Data[0];
        var share = (item.CurrentPeriodEnd - sandbox.Control.Now.UtcDateTime).TotalSeconds / (item.CurrentPeriodEnd - item.CurrentPeriodStart).TotalSeconds;
        Assert.InRange(proration.AmountDue, (long)(2000 * share) - 5, (long)(2000 * share) + 5);
        Assert.Equal(2, proration.Lines.Data.Count);
        Assert.All(proration.Lines.Data, line => Assert.True(line.Parent.SubscriptionItemDetails.Proration));
        Assert.Equal(SandboxHost.Basic, ((JObject)Previous(sandbox.Receiver.OfType("customer.subscription.updated").Single())["items"]!)["data"]![0]!["price"]!["id"]!.Value<string>());
    }

    [Fact]
    public async Task Switching_price_with_create_prorations_only_switches_the_price()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync();
        var subscription = await sandbox.GetSubscriptionAsync(result.SubscriptionId!);

        var switched = await sandbox.Stripe.V1.Subscriptions.UpdateAsync(
            subscription.Id,
            new SubscriptionUpdateOptions { Items = [new SubscriptionItemOptions { Id = subscription.Items.Data[0].Id, Price = SandboxHost.Pro }] },
            cancellationToken: Ct);

        Assert.Equal(SandboxHost.Pro, switched.Items.Data[0].Price.Id);
        Assert.Equal(subscription.LatestInvoiceId, switched.LatestInvoiceId);
        await sandbox.AdvanceDaysAsync(31);
        Assert.Equal(3000, (await sandbox.GetInvoiceAsync((await sandbox.GetSubscriptionAsync(subscription.Id)).LatestInvoiceId)).AmountPaid);
    }

    [Fact]
    public async Task Metadata_updates_merge_and_later_invoices_copy_them()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync();

        var updated = await sandbox.Stripe.V1.Subscriptions.UpdateAsync(
            result.SubscriptionId,
            new SubscriptionUpdateOptions { Metadata = new Dictionary<string, string> { ["plan"] = "gold", ["product"] = "" } },
            cancellationToken: Ct);
        await sandbox.AdvanceDaysAsync(31);

        Assert.Equal(new Dictionary<string, string> { ["customer"] = "acct_42", ["plan"] = "gold" }, updated.Metadata);
        var renewal = await sandbox.GetInvoiceAsync((await sandbox.GetSubscriptionAsync(result.SubscriptionId!)).LatestInvoiceId);
        Assert.Equal("gold", renewal.Parent.SubscriptionDetails.Metadata["plan"]);
    }

    private static JObject Previous(Event stripeEvent) => (JObject)stripeEvent.Data.PreviousAttributes;
}
