using Microsoft.Extensions.Time.Testing;
using OrleansBilling.Grains.Stripe;
using OrleansBilling.Silo.Payments;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Hosting;

/// <summary>How a silo spends its share of the Stripe account's request rate, on a fake clock.</summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class StripeRequestBudgetTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Requests_at_the_same_moment_get_turns_spaced_by_the_rate()
    {
        var budget = new StripeRequestBudget(10, TimeSpan.FromSeconds(10), clock, () => 1);

        var turns = Enumerable.Range(0, 5).Select(_ => budget.Take()).ToList();

        Assert.Equal([0, 100, 200, 300, 400], turns.Select(t => t!.Value.TotalMilliseconds));
    }

    [Fact]
    public void Active_silos_share_the_account_rate_and_a_change_counts_from_the_next_request()
    {
        var silos = 2;
        var budget = new StripeRequestBudget(10, TimeSpan.FromSeconds(10), clock, () => silos);

        Assert.Equal([0, 200, 400], Enumerable.Range(0, 3).Select(_ => budget.Take()!.Value.TotalMilliseconds));
        silos = 4;
        Assert.Equal(600, budget.Take()!.Value.TotalMilliseconds);
        Assert.Equal(1000, budget.Take()!.Value.TotalMilliseconds);
    }

    [Fact]
    public void A_quiet_moment_is_not_saved_up_for_a_burst()
    {
        var budget = new StripeRequestBudget(10, TimeSpan.FromSeconds(10), clock, () => 1);
        budget.Take();

        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal([0, 100, 200], Enumerable.Range(0, 3).Select(_ => budget.Take()!.Value.TotalMilliseconds));
    }

    [Fact]
    public void A_turn_further_away_than_the_longest_wait_is_refused_and_takes_nothing()
    {
        var budget = new StripeRequestBudget(2, TimeSpan.FromSeconds(1), clock, () => 1);
        Assert.Equal([0, 500, 1000], Enumerable.Range(0, 3).Select(_ => budget.Take()!.Value.TotalMilliseconds));

        Assert.Null(budget.Take());
        Assert.Null(budget.Take());

        clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(1000, budget.Take()!.Value.TotalMilliseconds);
    }

    [Fact]
    public void A_429_holds_back_every_request_for_its_Retry_After_with_or_without_a_rate()
    {
        foreach (var rate in new double?[] { 10, null })
        {
            var budget = new StripeRequestBudget(rate, TimeSpan.FromSeconds(10), clock, () => 1);
            budget.Pause(TimeSpan.FromSeconds(3));

            Assert.Equal(3000, budget.Take()!.Value.TotalMilliseconds);
            clock.Advance(TimeSpan.FromSeconds(4));
        }
    }

    [Fact]
    public void A_429_also_holds_back_a_request_that_already_has_its_turn()
    {
        var budget = new StripeRequestBudget(10, TimeSpan.FromSeconds(10), clock, () => 1);
        Assert.Equal(TimeSpan.Zero, budget.PausedFor());
        budget.Take();
        Assert.Equal(100, budget.Take()!.Value.TotalMilliseconds);

        budget.Pause(TimeSpan.FromSeconds(2));
        clock.Advance(TimeSpan.FromMilliseconds(100));

        Assert.Equal(1900, budget.PausedFor().TotalMilliseconds);
    }

    [Fact]
    public void Without_a_rate_every_request_goes_at_once()
    {
        var budget = new StripeRequestBudget(null, TimeSpan.FromSeconds(1), clock, () => 1);

        Assert.All(Enumerable.Range(0, 1000).Select(_ => budget.Take()), turn => Assert.Equal(TimeSpan.Zero, turn));
    }

    [Theory]
    [InlineData(null, "sk_live_abc", false, 90d)]
    [InlineData(null, "rk_live_abc", false, 90d)]
    [InlineData(null, "sk_test_abc", false, 20d)]
    [InlineData(null, "sk_test_sandbox", true, null)]
    [InlineData(40d, "sk_live_abc", false, 40d)]
    [InlineData(40d, "sk_test_sandbox", true, 40d)]
    [InlineData(0d, "sk_live_abc", false, null)]
    public void The_rate_in_force_follows_the_key_unless_configured(double? configured, string key, bool sandbox, double? expected)
    {
        var options = new StripeOptions { ApiKey = key, RequestsPerSecond = configured };

        Assert.Equal(expected, options.EffectiveRequestsPerSecond(sandbox));
    }
}
