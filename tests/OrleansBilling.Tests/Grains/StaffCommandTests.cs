using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Staff;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Grains;

/// <summary>
/// A member of staff's command on a customer's record (issue 12 §2): the record writes the audit line itself, with the
/// decision, whether the command was done or refused, once however often it is repeated, and a line that it was attempted
/// when it failed before its decision was kept; and support's retry of a failed
/// payment charges the open invoice once per key and is recorded as who asked.
/// </summary>
[Trait(TestKind.Trait, TestKind.Grain)]
public sealed class StaffCommandTests(GrainCluster cluster) : IClassFixture<GrainCluster>
{
    [Fact]
    public async Task A_retry_of_a_failed_payment_charges_the_open_invoice_once_and_is_in_the_history_and_the_trail()
    {
        var grain = await cluster.ActiveOnBasic("staff_retry");
        await cluster.FailPaymentAsync(grain, "staff_retry");
        var context = Staff("staff_retry-1", "retry-payment", "Customer updated the card on the phone");

        var retried = await grain.RetryPayment(context);
        var again = await grain.RetryPayment(context);

        Assert.True(retried.Succeeded, retried.Error?.Message);
        Assert.True(again.Replayed);
        Assert.Single(cluster.Payments.CallsNamed("pay_invoice"), c => c.Target == "in_staff_retry_2" && c.IdempotencyKey.Contains("/retry-", StringComparison.Ordinal));
        var entry = Assert.Single((await grain.GetSubscription()).RecentHistory, h => h.Fact == HistoryFact.PaymentRetried);
        Assert.Equal(("admin:sam", "invoice=in_staff_retry_2; paid"), (entry.Actor, entry.Detail));
        var line = Assert.Single(await Trail("staff_retry"));
        Assert.Equal(("sam", StaffRole.Support, "retry-payment", AuditOutcome.Succeeded, "Customer updated the card on the phone"), (line.Person, line.Role, line.Action, line.Outcome, line.Reason));
    }

    [Fact]
    public async Task A_refused_command_is_in_the_trail_with_its_reason_and_changes_nothing_else()
    {
        var grain = await cluster.ActiveOnBasic("staff_refused");
        var before = await grain.GetSubscription();

        var refused = await grain.RetryPayment(Staff("staff_refused-1", "retry-payment", "Asked to charge again"));

        Assert.Equal(CommandErrorCode.TransitionNotAllowed, refused.Error?.Code);
        Assert.DoesNotContain(cluster.Payments.CallsNamed("pay_invoice"), c => c.Target.Contains("staff_refused", StringComparison.Ordinal));
        Assert.Equal(before.Version, (await grain.GetSubscription()).Version);
        var line = Assert.Single(await Trail("staff_refused"));
        Assert.Equal((AuditOutcome.Refused, "Asked to charge again"), (line.Outcome, line.Reason));
        Assert.Contains("no failed payment to retry", line.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_staff_command_whose_write_fails_leaves_an_attempted_line_and_its_repeat_finishes_it()
    {
        var grain = await cluster.ActiveOnBasic("staff_failed");
        var context = Staff("staff_failed-1", "grant-override", "Pilot of single sign-on");
        var request = new OverrideRequest("sso", null, true, null, "Pilot of single sign-on", cluster.Clock.GetUtcNow().AddDays(7));

        cluster.Storage.FailNextWriteOf("subscription");
        await Assert.ThrowsAnyAsync<Exception>(() => grain.GrantOverride(request, context));
        var attempted = Assert.Single(await Trail("staff_failed"));
        var repeated = await grain.GrantOverride(request, context);

        Assert.Equal(AuditOutcome.Attempted, attempted.Outcome);
        Assert.Contains("repeat it with the same key", attempted.Detail, StringComparison.Ordinal);
        Assert.True(repeated.Succeeded, repeated.Error?.Message);
        Assert.Equal([AuditOutcome.Succeeded, AuditOutcome.Attempted], (await Trail("staff_failed")).Select(r => r.Outcome));
    }

    [Fact]
    public async Task A_product_s_own_command_writes_no_audit_line()
    {
        var grain = await cluster.ActiveOnBasic("staff_none");

        Assert.True((await grain.Cancel(true, CommandContext.Api)).Succeeded);

        Assert.Empty(await Trail("staff_none"));
    }

    private static CommandContext Staff(string key, string action, string reason) =>
        new(key, $"fingerprint-{key}", "admin:sam", new StaffAction("sam", StaffRole.Support, action, reason));

    private Task<IReadOnlyList<AuditRecord>> Trail(string customer) =>
        cluster.Audit.FindAsync(new AuditQuery(ProductId: "demo", CustomerId: customer), TestContext.Current.CancellationToken);
}
