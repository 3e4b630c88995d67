using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Orleans.Runtime;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Products;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Products;
using OrleansBilling.Silo.Products;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Grains;

/// <summary>
/// The answers a subscription grain shares with the gateway of its silo (<see cref="LocalEntitlements"/>, issue 16): never
/// one the grain would not give now, never one of a change not yet stored.
/// </summary>
[Trait(TestKind.Trait, TestKind.Grain)]
public sealed class LocalEntitlementsTests(GrainCluster cluster) : IClassFixture<GrainCluster>
{
    private static readonly CommandContext Support = new(null, null, "admin:grace");

    private LocalEntitlements Local => cluster.Cluster.Silos[0].ServiceProvider.GetRequiredService<LocalEntitlements>();

    private static string Key(string customerId) => BillingIds.SubscriptionKey(DemoProduct.Id, customerId);

    /// <summary>An answer as the gateway would send it (the test's client gets copies, not the grain's own object).</summary>
    private static string Json(EntitlementsView? view) => System.Text.Json.JsonSerializer.Serialize(view);

    private EntitlementsView? Held(string customerId) => Local.TryGet(Key(customerId), out var view) ? view : null;

    [Fact]
    public async Task The_answer_given_is_held_and_a_change_drops_it_only_once_stored()
    {
        var grain = await cluster.ActiveOnBasic("local_change");
        var before = await grain.GetEntitlements();
        Assert.Equal(Json(before), Json(Held("local_change")));

        var release = cluster.Storage.HoldNextWriteOf("subscription", out var writing);
        var granting = grain.GrantOverride(new OverrideRequest("sso", null, true, null, "trial of SSO", cluster.Clock.GetUtcNow().AddDays(3)), Support);
        await writing.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        // While the change is written, the gateway answers what is stored: not the change, whose entitlements the grain has computed for its events.
        Assert.Equal(Json(before), Json(Held("local_change")));
        release.SetResult();
        Assert.True((await granting).Succeeded);
        Assert.Null(Held("local_change"));

        var after = await grain.GetEntitlements();
        Assert.True(after.Features["sso"]);
        Assert.Equal(Json(after), Json(Held("local_change")));
    }

    [Fact]
    public async Task A_change_whose_write_failed_leaves_no_answer_of_it()
    {
        var grain = await cluster.ActiveOnBasic("local_failed");
        await grain.GetEntitlements();

        cluster.Storage.FailNextWriteOf("subscription");
        await Assert.ThrowsAnyAsync<Exception>(() => grain.GrantOverride(new OverrideRequest("sso", null, true, null, "trial of SSO", cluster.Clock.GetUtcNow().AddDays(3)), Support));

        Assert.Null(Held("local_failed"));
        Assert.False((await grain.GetEntitlements()).Features["sso"]);
    }

    [Fact]
    public async Task New_usage_drops_the_answer_before_it_is_acknowledged()
    {
        var grain = await cluster.ActiveOnBasic("local_usage");
        Assert.Equal(0, (await grain.GetEntitlements()).Meters["api_calls"].Used);
        Assert.NotNull(Held("local_usage"));

        // The subscription is slow to hear of it: the usage is not acknowledged until it has.
        var release = cluster.Calls.HoldNext(nameof(ISubscriptionGrain.UsageChanged), out var telling);
        var recording = cluster.UsageOf(grain).RecordUsage([new("api_calls", 7, null, "u1")]);
        await telling.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.False(recording.IsCompleted);
        release.SetResult();
        await recording;

        Assert.Null(Held("local_usage"));
        Assert.Equal(7, (await grain.GetEntitlements()).Meters["api_calls"].Used);
        Assert.Equal(7, Held("local_usage")?.Meters["api_calls"].Used);
    }

    [Fact]
    public async Task A_subscription_slow_to_hear_of_usage_holds_it_up_no_longer_than_its_patience_and_is_told_again_with_the_next()
    {
        var grain = await cluster.ActiveOnBasic("local_slow");
        await grain.GetEntitlements();
        var told = cluster.Calls.Count(nameof(ISubscriptionGrain.UsageChanged));

        var release = cluster.Calls.HoldNext(nameof(ISubscriptionGrain.UsageChanged), out var telling);
        await cluster.UsageOf(grain).RecordUsage([new("api_calls", 1, null, "s1")]);
        Assert.True(telling.IsCompleted);
        release.SetResult();
        await cluster.UsageOf(grain).RecordUsage([new("api_calls", 1, null, "s2")]);

        // Told again, without waiting this time (it was slow a moment ago).
        await Poll.UntilAsync(() => cluster.Calls.Count(nameof(ISubscriptionGrain.UsageChanged)) == told + 2, TimeSpan.FromSeconds(30), "the subscription told again");
        Assert.Null(Held("local_slow"));
        Assert.Equal(2, (await grain.GetEntitlements()).Meters["api_calls"].Used);
    }

    /// <summary>The usage grain counts its versions from 0 in each activation: a notice of a new one still counts.</summary>
    [Fact]
    public async Task Usage_told_by_a_new_activation_of_the_usage_grain_drops_the_answer_too()
    {
        var grain = await cluster.ActiveOnBasic("local_reactivated");
        var usage = cluster.UsageOf(grain);
        for (var i = 0; i < 3; i++)
        {
            await usage.RecordUsage([new("api_calls", 1, null, $"r{i}")]);
            await grain.GetEntitlements();
        }

        await usage.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await cluster.UsageOf(grain).RecordUsage([new("api_calls", 1, null, "r3")]);

        Assert.Null(Held("local_reactivated"));
        Assert.Equal(4, (await grain.GetEntitlements()).Meters["api_calls"].Used);
        Assert.NotNull(Held("local_reactivated"));
    }

    [Fact]
    public async Task The_answer_of_a_product_without_a_catalog_is_not_held()
    {
        var grain = cluster.Grains.GetGrain<ISubscriptionGrain>(BillingIds.SubscriptionKey("unconfigured", "local_none"));

        Assert.False((await grain.GetEntitlements()).Entitled);

        Assert.False(Local.TryGet(BillingIds.SubscriptionKey("unconfigured", "local_none"), out _));
    }

    [Fact]
    public async Task An_answer_lapses_when_the_grain_s_would_with_no_call()
    {
        var grain = await cluster.ActiveOnBasic("local_lapse");
        await grain.GrantOverride(new OverrideRequest("sso", null, true, null, "a day of SSO", cluster.Clock.GetUtcNow().AddSeconds(20)), Support);
        Assert.True((await grain.GetEntitlements()).Features["sso"]);

        cluster.Clock.Advance(TimeSpan.FromSeconds(19));
        Assert.NotNull(Held("local_lapse"));
        cluster.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(Held("local_lapse"));
        Assert.False((await grain.GetEntitlements()).Features["sso"]);
        Assert.NotNull(Held("local_lapse"));

        // The catalog it was computed with is due for a refresh: so is the answer.
        cluster.Clock.Advance(CatalogCache.Freshness + TimeSpan.FromSeconds(1));
        Assert.Null(Held("local_lapse"));
    }

    [Fact]
    public async Task A_deactivated_grain_leaves_no_answer()
    {
        var grain = await cluster.ActiveOnBasic("local_gone");
        await grain.GetEntitlements();
        Assert.NotNull(Held("local_gone"));

        await cluster.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero, TestContext.Current.CancellationToken);

        await Poll.UntilAsync(() => Held("local_gone") is null, TimeSpan.FromSeconds(30), "the deactivated grain's answer dropped");
    }
}
