using OrleansBilling.GrainInterfaces.Usage;

namespace OrleansBilling.GrainInterfaces.Catalog;

/// <summary>A product as the billing service knows it: its catalog, dunning policy and email templates.</summary>
/// <param name="ProductId">The product's id; it prefixes every subscription key of the product.</param>
/// <param name="Name">A name for people.</param>
/// <param name="Plans">The catalog.</param>
/// <param name="Dunning">The product's dunning policy; <see cref="DunningPolicy.Default"/> when it has none.</param>
/// <param name="EmailTemplates">Lifecycle email name (<c>welcome</c>, <c>payment_failed</c>, …) to the email provider's template id.</param>
/// <param name="AllowPromotionCodes">Whether checkout offers a promotion-code field.</param>
/// <param name="AutomaticTax">Whether the provider computes tax at checkout.</param>
/// <param name="Meters">The product's metered quantities; none when null.</param>
/// <param name="PausedKeepsAccess">
/// Whether a customer whose collection is paused keeps the plan's features and limits (a free pause);
/// by default a paused customer, who pays nothing, has none.
/// </param>
[GenerateSerializer, Immutable, Alias("billing.ProductDefinition")]
public sealed record ProductDefinition(
    [property: Id(0)] string ProductId,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<Plan> Plans,
    [property: Id(3)] DunningPolicy? Dunning,
    [property: Id(4)] IReadOnlyDictionary<string, long> EmailTemplates,
    [property: Id(5)] bool AllowPromotionCodes = false,
    [property: Id(6)] bool AutomaticTax = false,
    [property: Id(7)] IReadOnlyList<Meter>? Meters = null,
    [property: Id(8)] bool PausedKeepsAccess = false)
{
    /// <summary>The meter with this id, or null.</summary>
    public Meter? FindMeter(string? meterId) => Meters?.FirstOrDefault(m => string.Equals(m.MeterId, meterId, StringComparison.Ordinal));

    /// <summary>The plan with this id, or null.</summary>
    public Plan? FindPlan(string? planId) => Plans.FirstOrDefault(p => string.Equals(p.PlanId, planId, StringComparison.Ordinal));

    /// <summary>The plan billed through this provider price, or null.</summary>
    public Plan? FindPlanByPrice(string? priceId) => Plans.FirstOrDefault(p => string.Equals(p.ProviderPriceId, priceId, StringComparison.Ordinal));

    /// <summary>Why the definition is not usable; empty when it is.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!BillingIds.IsValid(ProductId))
        {
            problems.Add($"Product id '{ProductId}' must be {BillingIds.Rule}.");
        }

        if (string.IsNullOrWhiteSpace(Name))
        {
            problems.Add("A product needs a name.");
        }

        foreach (var plan in Plans ?? [])
        {
            if (!BillingIds.IsValid(plan.PlanId))
            {
                problems.Add($"Plan id '{plan.PlanId}' must be {BillingIds.Rule}.");
            }

            if (plan.AmountMinor < 0)
            {
                problems.Add($"Plan '{plan.PlanId}': the amount must not be negative.");
            }

            if (plan.TrialDays < 0)
            {
                problems.Add($"Plan '{plan.PlanId}': trial days must not be negative.");
            }

            if (string.IsNullOrWhiteSpace(plan.Currency) || plan.Currency.Length != 3)
            {
                problems.Add($"Plan '{plan.PlanId}': the currency must be a three-letter ISO 4217 code.");
            }
        }

        if (Plans is null || Plans.Count == 0)
        {
            problems.Add("A product needs at least one plan.");
        }
        else if (Plans.Select(p => p.PlanId).Distinct(StringComparer.Ordinal).Count() != Plans.Count)
        {
            problems.Add("Plan ids must be unique within a product.");
        }

        problems.AddRange(MeterProblems());
        if (Dunning is not null)
        {
            problems.AddRange(Dunning.Problems());
        }

        return problems;
    }

    private IEnumerable<string> MeterProblems()
    {
        var meters = Meters ?? [];
        foreach (var meter in meters)
        {
            if (!BillingIds.IsValid(meter.MeterId))
            {
                yield return $"Meter id '{meter.MeterId}' must be {BillingIds.Rule}.";
            }

            if (string.IsNullOrWhiteSpace(meter.ProviderEventName) || meter.ProviderEventName.Length > 100)
            {
                yield return $"Meter '{meter.MeterId}': the Stripe meter event name is required (at most 100 characters).";
            }

            if (!Enum.IsDefined(meter.Aggregation))
            {
                yield return $"Meter '{meter.MeterId}': the aggregation must be sum, count, max or last.";
            }

            if (meter.Limit is { } limit && !(Plans ?? []).Any(p => p.Limits.ContainsKey(limit)))
            {
                yield return $"Meter '{meter.MeterId}' counts against limit '{limit}', which no plan has.";
            }

            if (meter.MaxQuantity is { } max && (max <= 0 || max > UsageQuantities.Ceiling || !UsageQuantities.Fits(max, max)))
            {
                yield return $"Meter '{meter.MeterId}': the maximum quantity must be above 0 and at most {UsageQuantities.Ceiling:0}, with at most {UsageQuantities.MaxDecimals} decimal places.";
            }
        }

        if (meters.Select(m => m.MeterId).Distinct(StringComparer.Ordinal).Count() != meters.Count)
        {
            yield return "Meter ids must be unique within a product.";
        }
    }
}
