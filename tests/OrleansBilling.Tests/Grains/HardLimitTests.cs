using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Products;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.GrainInterfaces.Usage;
using OrleansBilling.Silo.Products;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Grains;

/// <summary>
/// A meter declared to refuse overage (issue 11 §2): usage that would take the period above the plan's
/// limit is refused and not recorded, a repeat of usage accepted before is still a duplicate, and a
/// support override of the limit moves the line.
/// </summary>
[Trait(TestKind.Trait, TestKind.Grain)]
public sealed class HardLimitTests(GrainCluster cluster) : IClassFixture<GrainCluster>
{
    private static readonly CommandContext Support = new(null, null, "admin:ops");

    private static readonly ProductDefinition Hard = DemoProduct.Definition with
    {
        Meters = [new Meter("api_calls", MeterAggregation.Sum, "demo_api_calls", Limit: "api_calls", Overage: OveragePolicy.Refuse)],
    };

    [Fact]
    public async Task Usage_beyond_the_limit_is_refused_and_not_counted_while_usage_within_it_is_kept()
    {
        var grain = await ActiveOnBasicWithHardLimit("hard_split");

        var results = await cluster.UsageOf(grain).RecordUsage([Calls(600, "a"), Calls(500, "b"), Calls(400, "c"), Calls(1, "d")]);

        Assert.Equal([UsageOutcome.Accepted, UsageOutcome.Rejected, UsageOutcome.Accepted, UsageOutcome.Rejected], results.Select(r => r.Outcome));
        Assert.Equal([null, UsageError.LimitExceeded, null, UsageError.LimitExceeded], results.Select(r => r.Error));
        Assert.Contains("allows 1000", results[1].Detail, StringComparison.Ordinal);
        Assert.Equal(new MeterUsageView(1000, 1000, 0), (await grain.GetEntitlements()).Meters["api_calls"]);
        Assert.Equal(1000, Assert.Single(await cluster.Usage.TotalsAsync(DemoProduct.Id, "hard_split", DateTimeOffset.MinValue, CancellationToken.None)).Sum);
    }

    [Fact]
    public async Task A_repeat_of_accepted_usage_at_the_limit_is_a_duplicate_not_a_refusal()
    {
        var grain = await ActiveOnBasicWithHardLimit("hard_repeat");
        Assert.All(await cluster.UsageOf(grain).RecordUsage([Calls(1000, "all")]), r => Assert.Equal(UsageOutcome.Accepted, r.Outcome));

        var again = Assert.Single(await cluster.UsageOf(grain).RecordUsage([Calls(1000, "all")]));

        Assert.Equal((UsageOutcome.Duplicate, (UsageError?)null), (again.Outcome, again.Error));
        Assert.Equal(1000, (await grain.GetEntitlements()).Meters["api_calls"].Used);
    }

    [Fact]
    public async Task A_retry_of_accepted_usage_beside_new_usage_counts_once_against_the_limit()
    {
        var grain = await ActiveOnBasicWithHardLimit("hard_retry_mix");
        Assert.Equal(UsageOutcome.Accepted, Assert.Single(await cluster.UsageOf(grain).RecordUsage([Calls(300, "a")])).Outcome);

        // The answer to "a" was lost: it comes again with new usage. 300 + 500 is within the limit of 1000.
        var results = await cluster.UsageOf(grain).RecordUsage([Calls(300, "a"), Calls(500, "b"), Calls(201, "c")]);

        Assert.Equal([UsageOutcome.Duplicate, UsageOutcome.Accepted, UsageOutcome.Rejected], results.Select(r => r.Outcome));
        Assert.Equal(800, (await grain.GetEntitlements()).Meters["api_calls"].Used);
    }

    [Fact]
    public async Task A_limit_override_lets_more_usage_through_once_metering_hears_of_it()
    {
        var grain = await ActiveOnBasicWithHardLimit("hard_override");
        await cluster.UsageOf(grain).RecordUsage([Calls(1000, "base")]);
        Assert.Equal(UsageError.LimitExceeded, Assert.Single(await cluster.UsageOf(grain).RecordUsage([Calls(1, "early")])).Error);

        await grain.GrantOverride(new OverrideRequest(null, "api_calls", null, 1500, "launch week", cluster.Clock.GetUtcNow().AddDays(7)), Support);

        await Poll.UntilAsync(
            async () => Assert.Single(await cluster.UsageOf(grain).RecordUsage([Calls(400, "launch")])).Outcome != UsageOutcome.Rejected,
            TimeSpan.FromSeconds(10),
            "usage within the overridden limit accepted");
        var beyond = Assert.Single(await cluster.UsageOf(grain).RecordUsage([Calls(101, "too_much")]));
        Assert.Equal(UsageError.LimitExceeded, beyond.Error);
        Assert.Equal(1400, (await grain.GetEntitlements()).Meters["api_calls"].Used);
    }

    private async Task<ISubscriptionGrain> ActiveOnBasicWithHardLimit(string customerId)
    {
        Assert.Empty(await cluster.Grains.GetGrain<IProductGrain>(BillingIds.ProductKey(DemoProduct.Id)).Configure(Hard));
        return await cluster.ActiveOnBasic(customerId);
    }

    private static UsageEvent Calls(decimal quantity, string key) => new("api_calls", quantity, null, key);
}
