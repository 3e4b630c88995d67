using System.Xml;
using OrleansBilling.GrainInterfaces.Catalog;

namespace OrleansBilling.Silo.Products;

/// <summary>A product declared in configuration (<c>Billing:Products:&lt;id&gt;</c>), so a deployment needs no admin calls to start.</summary>
public sealed class ProductOptions
{
    public string? Name { get; set; }

    /// <summary>API keys (from a secret store) that act for the product; only their hashes are kept.</summary>
    public List<string> ApiKeys { get; set; } = [];

    public Dictionary<string, PlanOptions> Plans { get; set; } = [];

    /// <summary>Metered quantities, by meter id.</summary>
    public Dictionary<string, MeterOptions> Meters { get; set; } = [];

    /// <summary>The dunning steps; empty for the default policy.</summary>
    public List<DunningStepOptions> Dunning { get; set; } = [];

    /// <summary>Lifecycle email name to the email provider's template id.</summary>
    public Dictionary<string, long> EmailTemplates { get; set; } = [];

    /// <summary>Offer a promotion-code field at checkout.</summary>
    public bool AllowPromotionCodes { get; set; }

    /// <summary>Let the provider compute tax at checkout.</summary>
    public bool AutomaticTax { get; set; }

    /// <summary>A customer whose collection is paused keeps the plan's features and limits (default: not).</summary>
    public bool PausedKeepsAccess { get; set; }

    /// <summary>What customers may do in the billing portal; cancel at the period end, invoices and card when not set.</summary>
    public PortalFeatures Portal { get; set; } = PortalFeatures.Default;

    /// <summary>The shares of a meter's limit, in percent, at which the product hears <c>usage.threshold_reached</c>; 80 and 100 when not set.</summary>
    public List<int>? UsageAlerts { get; set; }

    /// <summary>The definition these options declare, or why they cannot be one.</summary>
    public (ProductDefinition? Definition, IReadOnlyList<string> Problems) ToDefinition(string productId)
    {
        var problems = new List<string>();
        var steps = new List<DunningStep>();
        foreach (var (step, i) in Dunning.Select((s, i) => (s, i)))
        {
            TimeSpan after = default;
            try
            {
                after = XmlConvert.ToTimeSpan(step.After ?? "");
            }
            catch (FormatException)
            {
                problems.Add($"Dunning step {i}: 'After' must be an ISO 8601 duration such as P3D, not '{step.After}'.");
            }

            if (!Enum.TryParse<DunningAction>(step.Action, ignoreCase: true, out var action))
            {
                problems.Add($"Dunning step {i}: 'Action' must be email, suspend or cancel, not '{step.Action}'.");
            }

            steps.Add(new DunningStep(after, action, step.Template ?? "", step.RetryPayment));
        }

        var plans = Plans.Select(p => new Plan(
            p.Key,
            p.Value.Name ?? p.Key,
            p.Value.PriceId ?? "",
            p.Value.Amount,
            p.Value.Currency,
            p.Value.Interval,
            p.Value.TrialDays,
            p.Value.Features,
            p.Value.Limits)).ToList();
        foreach (var plan in plans.Where(p => string.IsNullOrWhiteSpace(p.ProviderPriceId)))
        {
            problems.Add($"Plan '{plan.PlanId}' needs a PriceId (the Stripe price it bills through).");
        }

        var definition = new ProductDefinition(
            productId, Name ?? productId, plans, steps.Count == 0 ? null : new DunningPolicy(steps), EmailTemplates, AllowPromotionCodes, AutomaticTax,
            [.. Meters.Select(m => m.Value.ToMeter(m.Key))],
            PausedKeepsAccess,
            Portal,
            UsageAlerts);
        problems.AddRange(definition.Problems());
        return problems.Count == 0 ? (definition, problems) : (null, problems);
    }
}
