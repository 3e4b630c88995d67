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
/// <param name="Portal">What customers may do in the billing portal; <see cref="PortalFeatures.Default"/> when null.</param>
/// <param name="UsageAlerts">
/// The shares of a meter's limit (in percent) at which the product hears <c>usage.threshold_reached</c>, once per period each;
/// <see cref="DefaultUsageAlerts"/> when null, none when empty.
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
    [property: Id(8)] bool PausedKeepsAccess = false,
    [property: Id(9)] PortalFeatures? Portal = null,
    [property: Id(10)] IReadOnlyList<int>? UsageAlerts = null)
{
    /// <summary>80% and 100% of a limit.</summary>
    public static readonly IReadOnlyList<int> DefaultUsageAlerts = [80, 100];

    /// <summary>The shares of a limit the product is told of.</summary>
    public IReadOnlyList<int> AlertPercents => UsageAlerts ?? DefaultUsageAlerts;

    /// <summary>What the billing portal offers the product's customers.</summary>
    public PortalFeatures PortalOffers => Portal ?? PortalFeatures.Default;

    /// <summary>The meter with this id, or null.</summary>
    public Meter? FindMeter(string? meterId) => Meters?.FirstOrDefault(m => string.Equals(m.MeterId, meterId, StringComparison.Ordinal));

    /// <summary>The plan with this id, or null.</summary>
    public Plan? FindPlan(string? planId) => Plans.FirstOrDefault(p => string.Equals(p.PlanId, planId, StringComparison.Ordinal));

    /// <summary>The plan billed through this provider price, or null.</summary>
    public Plan? FindPlanByPrice(string? priceId) => Plans.FirstOrDefault(p => string.Equals(p.ProviderPriceId, priceId, StringComparison.Ordinal));

    /// <summary>The metered prices a subscription to <paramref name="planId"/> carries beside the plan's price.</summary>
    public IReadOnlyList<string> MeteredPriceIds(string? planId) =>
        [.. (Meters ?? []).Select(m => m.PriceFor(planId)?.ProviderPriceId).OfType<string>()];

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
        if (UsageAlerts is { } alerts && (alerts.Any(p => p is < 1 or > 1000) || alerts.Distinct().Count() != alerts.Count))
        {
            problems.Add("Usage alerts are distinct percentages from 1 to 1000.");
        }

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

            foreach (var problem in MeterPriceProblems(meter))
            {
                yield return problem;
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

        var priceIds = meters.SelectMany(m => m.Prices ?? []).Select(p => p.ProviderPriceId).Concat((Plans ?? []).Select(p => p.ProviderPriceId)).ToList();
        if (priceIds.Distinct(StringComparer.Ordinal).Count() != priceIds.Count)
        {
            yield return "Every plan and every meter's price per plan needs a Stripe price of its own.";
        }
    }

    private IEnumerable<string> MeterPriceProblems(Meter meter)
    {
        if (meter.Overage == OveragePolicy.Refuse && meter.Limit is null)
        {
            yield return $"Meter '{meter.MeterId}' refuses usage above its limit, so it needs a limit.";
        }

        if (!Enum.IsDefined(meter.Overage))
        {
            yield return $"Meter '{meter.MeterId}': the overage must be bill or refuse.";
        }

        var prices = meter.Prices ?? [];
        if (prices.Count > 0 && meter.Aggregation == MeterAggregation.Max)
        {
            yield return $"Meter '{meter.MeterId}' bills, so its aggregation must be sum, count or last (a Stripe meter cannot take the largest value).";
        }

        foreach (var price in prices)
        {
            if (FindPlan(price.PlanId) is not { } plan)
            {
                yield return $"Meter '{meter.MeterId}' has a price for plan '{price.PlanId}', which the product does not have.";
            }
            else if (string.IsNullOrWhiteSpace(price.ProviderPriceId) || price.UnitAmountMinor < 0 || price.IncludedUnits < 0)
            {
                yield return $"Meter '{meter.MeterId}' on plan '{plan.PlanId}': a Stripe metered price, and a unit amount and included units of 0 or more, are required.";
            }
        }

        if (prices.Select(p => p.PlanId).Distinct(StringComparer.Ordinal).Count() != prices.Count)
        {
            yield return $"Meter '{meter.MeterId}' has more than one price for a plan.";
        }
    }
}
