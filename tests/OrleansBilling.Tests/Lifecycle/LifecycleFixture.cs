using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Lifecycle;
using Xunit;

namespace OrleansBilling.Tests.Lifecycle;

/// <summary>The demo product with two plans, a fixed clock and subscriptions put in a given state.</summary>
internal static class LifecycleFixture
{
    public static DateTimeOffset Now { get; } = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static ProductDefinition Product { get; } = new(
        "demo",
        "Demo",
        [
            new Plan(
                "basic", "Basic", "price_basic", 900, "eur", BillingInterval.Month, 14,
                new Dictionary<string, bool> { ["reports"] = true, ["api"] = false },
                new Dictionary<string, long> { ["seats"] = 1 }),
            new Plan(
                "pro", "Pro", "price_pro", 2900, "eur", BillingInterval.Month, 14,
                new Dictionary<string, bool> { ["reports"] = true, ["api"] = true },
                new Dictionary<string, long> { ["seats"] = 10 }),
        ],
        Dunning: null,
        EmailTemplates: new[] { "welcome", "trial_will_end", "payment_failed", "payment_reminder", "access_suspended", "subscription_canceled", "payment_recovered", "win_back", "plan_changed" }
            .Select((name, i) => (name, id: i + 1L)).ToDictionary(t => t.name, t => t.id));

    /// <summary>The basic plan's price.</summary>
    public static PriceTerms BasicTerms { get; } = PriceTerms.Of(Product.Plans[0]);

    /// <summary>A subscription on the basic plan with an email address, put straight into <paramref name="state"/>.</summary>
    public static Subscription In(SubscriptionState state) =>
        Subscription.New("demo", "c1") with { State = state, PlanId = "basic", Terms = BasicTerms, Email = "ada@example.com" };

    public static Decision Decide(Subscription subscription, LifecycleInput input) =>
        SubscriptionLifecycle.Decide(subscription, input, Product, Now);

    /// <summary>The subscription after an input the arrangement expects to be applied.</summary>
    public static Subscription After(Subscription subscription, LifecycleInput input) =>
        Assert.IsType<Decision.Applied>(Decide(subscription, input)).Next;
}
