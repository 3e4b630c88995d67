using System.Collections.Frozen;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Grains.Lifecycle;

/// <summary>
/// Entitlements are one pure function of the state and the plan: an entitled state grants the
/// plan's features and limits; any other state grants every feature off and no limits.
/// Overrides arrive with the metering issue and will be applied here too.
/// </summary>
public static class EntitlementRules
{
    private static readonly IReadOnlyDictionary<string, long> NoLimits = FrozenDictionary<string, long>.Empty;

    /// <summary>What <paramref name="subscription"/> may use under <paramref name="product"/>'s catalog.</summary>
    /// <param name="subscription">The subscription.</param>
    /// <param name="product">The product's definition; null grants nothing.</param>
    /// <param name="version">The subscription's revision, echoed so callers can cache on it.</param>
    public static EntitlementsView For(Subscription subscription, ProductDefinition? product, long version)
    {
        var plan = product?.FindPlan(subscription.PlanId);
        var entitled = LifecycleTable.IsEntitled(subscription.State) && plan is not null;
        return new EntitlementsView(
            subscription.State,
            entitled,
            entitled ? plan!.PlanId : null,
            subscription.CurrentPeriodEnd,
            Features(plan, entitled, product),
            entitled ? plan!.Limits : NoLimits,
            version);
    }

    /// <summary>Features not granted are listed as off, so a product sees every switch its catalog knows.</summary>
    private static IReadOnlyDictionary<string, bool> Features(Plan? plan, bool entitled, ProductDefinition? product)
    {
        var known = product?.Plans.SelectMany(p => p.Features.Keys).Distinct(StringComparer.Ordinal) ?? [];
        return known.ToFrozenDictionary(
            name => name,
            name => entitled && plan!.Features.TryGetValue(name, out var on) && on,
            StringComparer.Ordinal);
    }
}
