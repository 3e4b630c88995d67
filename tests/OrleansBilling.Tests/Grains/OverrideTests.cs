using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Grains;

[Trait(TestKind.Trait, TestKind.Grain)]
public sealed class OverrideTests(GrainCluster cluster) : IClassFixture<GrainCluster>
{
    private static readonly CommandContext Support = new(null, null, "admin:grace");

    [Fact]
    public async Task A_granted_override_applies_and_is_recorded_with_actor_and_reason()
    {
        var grain = await cluster.ActiveOnBasic("ovr_grant");

        var granted = await grain.GrantOverride(SsoOn(days: 3), Support);

        Assert.True(granted.Succeeded);
        Assert.Equal("admin:grace", granted.Value!.Actor);
        var entitlements = await grain.GetEntitlements();
        Assert.True(entitlements.Features["sso"]);
        Assert.Equal(granted.Value.Id, Assert.Single(entitlements.Overrides).Id);
        var entry = (await grain.GetSubscription()).RecentHistory[0];
        Assert.Equal(("OverrideGranted", "admin:grace"), (entry.Name, entry.Actor));
        Assert.Contains("feature sso = on", entry.Detail, StringComparison.Ordinal);
        Assert.Contains("reason: goodwill after outage", entry.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_limit_override_changes_what_remains_of_a_meter()
    {
        var grain = await cluster.ActiveOnBasic("ovr_limit");
        await cluster.UsageOf(grain).RecordUsage([new("api_calls", 900, null, "u1")]);

        await grain.GrantOverride(new OverrideRequest(null, "api_calls", null, 5000, "launch week", cluster.Clock.GetUtcNow().AddDays(7)), Support);

        var meter = (await grain.GetEntitlements()).Meters["api_calls"];
        Assert.Equal(new MeterUsageView(900, 5000, 4100, LimitOverridden: true), meter);
        Assert.Equal(5000, (await grain.GetEntitlements()).Limits["api_calls"]);
    }

    [Fact]
    public async Task An_override_expires_on_its_own_and_the_expiry_is_recorded()
    {
        var grain = await cluster.ActiveOnBasic("ovr_expiry");
        await grain.GrantOverride(SsoOn(days: 1), Support);
        Assert.True((await grain.GetEntitlements()).Features["sso"]);

        cluster.Clock.Advance(TimeSpan.FromDays(1));

        // Never shown after expiry, even before the grain has woken up to remove it.
        Assert.False((await grain.GetEntitlements()).Features["sso"]);
        Assert.Empty(await grain.GetOverrides());
        await Poll.UntilAsync(
            async () =>
            {
                cluster.Clock.Advance(TimeSpan.FromSeconds(1));
                return (await grain.GetSubscription()).RecentHistory[0].Name == "OverrideExpired";
            },
            TimeSpan.FromSeconds(10),
            "the expiry to be recorded");
        Assert.Equal("clock", (await grain.GetSubscription()).RecentHistory[0].Actor);
    }

    [Fact]
    public async Task A_removed_override_stops_applying_and_removing_it_again_is_not_found()
    {
        var grain = await cluster.ActiveOnBasic("ovr_remove");
        var granted = (await grain.GrantOverride(SsoOn(days: 3), Support)).Value!;

        var removed = await grain.RemoveOverride(granted.Id, new CommandContext(null, null, "admin:lin"));
        var again = await grain.RemoveOverride(granted.Id, Support);

        Assert.True(removed.Succeeded);
        Assert.False((await grain.GetEntitlements()).Features["sso"]);
        Assert.Equal(CommandErrorCode.OverrideNotFound, again.Error!.Code);
        var entry = (await grain.GetSubscription()).RecentHistory[0];
        Assert.Equal(("OverrideRemoved", "admin:lin"), (entry.Name, entry.Actor));
    }

    [Theory]
    [InlineData("teleport", null, true, null, 3, CommandErrorCode.UnknownEntitlement)]
    [InlineData(null, "rockets", null, 5L, 3, CommandErrorCode.UnknownEntitlement)]
    [InlineData("sso", null, null, null, 3, CommandErrorCode.InvalidRequest)]
    [InlineData(null, "seats", null, -1L, 3, CommandErrorCode.InvalidRequest)]
    [InlineData("sso", null, true, null, 0, CommandErrorCode.InvalidRequest)]
    [InlineData("sso", null, true, null, 400, CommandErrorCode.InvalidRequest)]
    public async Task A_bad_override_is_refused_and_changes_nothing(string? feature, string? limit, bool? on, long? value, int days, CommandErrorCode expected)
    {
        var grain = await cluster.ActiveOnBasic($"ovr_bad_{feature ?? limit}_{days}_{value}");
        var before = await grain.GetSubscription();

        var result = await grain.GrantOverride(new OverrideRequest(feature, limit, on, value, "why", cluster.Clock.GetUtcNow().AddDays(days)), Support);

        Assert.Equal(expected, result.Error!.Code);
        Assert.Empty(await grain.GetOverrides());
        Assert.Equal(before.Version, (await grain.GetSubscription()).Version);
    }

    [Fact]
    public async Task Overrides_survive_deactivation()
    {
        var grain = await cluster.ActiveOnBasic("ovr_survives");
        await grain.GrantOverride(SsoOn(days: 3), Support);

        await cluster.Cluster.DeactivateAsync(grain);

        Assert.True((await grain.GetEntitlements()).Features["sso"]);
    }

    [Fact]
    public async Task The_same_idempotency_key_grants_once()
    {
        var grain = await cluster.ActiveOnBasic("ovr_idem");
        var context = new CommandContext("grant-1", "fp", "admin:grace");

        var first = await grain.GrantOverride(SsoOn(days: 3), context);
        var second = await grain.GrantOverride(SsoOn(days: 3), context);

        Assert.True(second.Replayed);
        Assert.Equal(first.Value!.Id, second.Value!.Id);
        Assert.Single(await grain.GetOverrides());
    }

    private OverrideRequest SsoOn(int days) => new("sso", null, true, null, "goodwill after outage", cluster.Clock.GetUtcNow().AddDays(days));
}
