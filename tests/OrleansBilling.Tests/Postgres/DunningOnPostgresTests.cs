using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Payments;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Postgres;

/// <summary>Dunning episodes live in PostgreSQL (state and reminders): a whole new cluster carries them on.</summary>
[Trait(TestKind.Trait, TestKind.Postgres)]
public sealed class DunningOnPostgresTests(PostgresServer server)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_episode_survives_stopping_the_whole_cluster_and_its_remaining_steps_run_exactly_once()
    {
        var connectionString = await server.CreateDatabaseAsync("dunning_restart");
        var clusterId = "dunning-" + Guid.NewGuid().ToString("N")[..8];
        var key = BillingIds.SubscriptionKey("demo", "pg_dunning");
        List<string> sentBefore;

        await using (var first = new PostgresBillingService(connectionString, clusterId))
        {
            await first.InitializeAsync();
            using var client = first.Client();
            await OrleansBilling.Tests.Http.BillingApi.MakePastDueAsync(first, client, "pg_dunning");
            sentBefore = [.. first.Emails.TemplatesFor(key)];
        }

        await using var second = new PostgresBillingService(connectionString, clusterId);
        await second.InitializeAsync();
        // The last effect of the last step is the cancel at the provider: wait for it.
        await AdvanceUntil(second, TimeSpan.FromDays(15), () => second.Payments.CallsNamed("cancel_now").Count > 0);

        Assert.Equal(["welcome", "payment_failed"], sentBefore);
        Assert.Equal(["payment_reminder", "access_suspended", "subscription_canceled"], second.Emails.TemplatesFor(key));
        var view = await second.Grains.GetGrain<ISubscriptionGrain>(key).GetSubscription();
        Assert.Equal(SubscriptionState.Canceled, view.State);
        Assert.Single(view.RecentHistory, h => h.Name == nameof(LifecycleTransition.DunningExhausted));
        Assert.Single(second.Payments.CallsNamed("cancel_now"));
    }

    [Fact]
    public async Task Steps_that_fell_due_while_no_silo_ran_are_taken_when_a_silo_starts_without_waiting_for_a_reminder_tick()
    {
        var connectionString = await server.CreateDatabaseAsync("dunning_overdue");
        var clusterId = "overdue-" + Guid.NewGuid().ToString("N")[..8];
        var key = BillingIds.SubscriptionKey("demo", "pg_overdue");

        await using (var first = new PostgresBillingService(connectionString, clusterId))
        {
            await first.InitializeAsync();
            using var client = first.Client();
            await OrleansBilling.Tests.Http.BillingApi.MakePastDueAsync(first, client, "pg_overdue");
        }

        // The whole cluster was down for the policy's length. The clock does not move from here on, so no
        // reminder tick comes: only the start-up itself can take the steps.
        await using var second = new PostgresBillingService(connectionString, clusterId);
        second.Clock.Advance(TimeSpan.FromDays(15));
        await second.InitializeAsync();
        await Poll.UntilAsync(() => second.Payments.CallsNamed("cancel_now").Count > 0, Patience, "the overdue steps, taken at start");

        Assert.Equal(["payment_reminder", "access_suspended", "subscription_canceled"], second.Emails.TemplatesFor(key));
        Assert.Equal(SubscriptionState.Canceled, (await second.Grains.GetGrain<ISubscriptionGrain>(key).GetSubscription()).State);
        Assert.Single(second.Payments.CallsNamed("cancel_now"));
    }

    /// <summary>Time passes in ten-minute steps, so the reminder service's refresh and the reminder itself both come due.</summary>
    private static async Task AdvanceUntil(BillingService service, TimeSpan atLeast, Func<bool> condition)
    {
        service.Clock.Advance(atLeast);
        await Poll.UntilAsync(
            () =>
            {
                service.Clock.Advance(TimeSpan.FromMinutes(10));
                return condition();
            },
            Patience,
            "the remaining dunning steps");
    }
}
