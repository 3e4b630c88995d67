using OrleansBilling.GrainInterfaces.Catalog;

namespace OrleansBilling.Silo.Products;

/// <summary>The product the local default seeds, so a fresh checkout has something to call.</summary>
public static class DemoProduct
{
    public const string Id = "demo";

    public static ProductDefinition Definition { get; } = new(
        Id,
        "Demo",
        [
            new Plan("basic", "Basic", "price_demo_basic", 900, "usd", BillingInterval.Month, TrialDays: 0,
                Features: new Dictionary<string, bool> { ["exports"] = false, ["sso"] = false },
                Limits: new Dictionary<string, long> { ["seats"] = 1, ["api_calls"] = 1000 }),
            new Plan("pro", "Pro", "price_demo_pro", 2900, "usd", BillingInterval.Month, TrialDays: 14,
                Features: new Dictionary<string, bool> { ["exports"] = true, ["sso"] = false },
                Limits: new Dictionary<string, long> { ["seats"] = 10, ["api_calls"] = 100000 }),
        ],
        Dunning: null,
        EmailTemplates: new Dictionary<string, long>
        {
            ["welcome"] = 1,
            ["trial_will_end"] = 2,
            ["payment_failed"] = 3,
            ["payment_reminder"] = 4,
            ["access_suspended"] = 5,
            ["subscription_canceled"] = 6,
            ["payment_recovered"] = 7,
            ["win_back"] = 8,
            ["plan_changed"] = 9,
            ["refund_issued"] = 10,
        },
        Meters:
        [
            // Calls beyond the plan's limit are billed: half a cent each on Basic, a fifth of a cent on Pro.
            new Meter("api_calls", MeterAggregation.Sum, "demo_api_calls", Limit: "api_calls", Prices:
            [
                new MeterPrice("basic", "price_demo_basic_api_calls", 0.5m, IncludedUnits: 1000),
                new MeterPrice("pro", "price_demo_pro_api_calls", 0.2m, IncludedUnits: 100000),
            ]),
            new Meter("projects", MeterAggregation.Max, "demo_projects"),
        ],
        Portal: new PortalFeatures(Cancel: true, SwitchPlan: true));
}
