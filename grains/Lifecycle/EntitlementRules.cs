using System.Collections.Frozen;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Grains.Lifecycle;

/// <summary>
/// Entitlements are one pure function of the state, the plan, the support overrides in force, the
/// period's usage and the clock: an entitled state grants the plan's features and limits until its
/// access ends (<see cref="AccessEndsAt"/>), whether or not the step that ends it has run yet; any
/// other state grants every feature off and no limits. An override is support's explicit word: it
/// wins over the plan in any state, and stops applying the moment it expires.
/// </summary>
public static class EntitlementRules
{
    private static readonly IReadOnlyDictionary<string, decimal> NoUsage = FrozenDictionary<string, decimal>.Empty;

    /// <summary>What <paramref name="subscription"/> may use under <paramref name="product"/>'s catalog, without usage, at the dawn of time.</summary>
    public static EntitlementsView For(Subscription subscription, ProductDefinition? product, long version) =>
        For(subscription, product, version, NoUsage, DateTimeOffset.MinValue);

    /// <summary>What <paramref name="subscription"/> may use now.</summary>
    /// <param name="subscription">The subscription, with its support overrides; those expired at <paramref name="now"/> are left out.</param>
    /// <param name="product">The product's definition; null grants nothing.</param>
    /// <param name="version">The subscription's revision.</param>
    /// <param name="used">The current period's usage per meter, each under its meter's aggregation.</param>
    /// <param name="now">The time of the answer.</param>
    public static EntitlementsView For(
        Subscription subscription,
        ProductDefinition? product,
        long version,
        IReadOnlyDictionary<string, decimal> used,
        DateTimeOffset now)
    {
        var plan = product?.FindPlan(subscription.PlanId);
        var entitled = (LifecycleTable.IsEntitled(subscription.State) || (subscription.State == SubscriptionState.Paused && product?.PausedKeepsAccess == true))
            && plan is not null && !(now >= AccessEndsAt(subscription));
        var inForce = subscription.OverridesInForce(now).Select(o => o.View()).ToList();

        var features = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var name in product?.Plans.SelectMany(p => p.Features.Keys) ?? [])
        {
            // Features not granted are listed as off, so a product sees every switch its catalog knows.
            features[name] = entitled && plan!.Features.TryGetValue(name, out var on) && on;
        }

        var limits = entitled ? new Dictionary<string, long>(plan!.Limits, StringComparer.Ordinal) : new Dictionary<string, long>(StringComparer.Ordinal);
        var overriddenLimits = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in inForce.OrderBy(o => o.GrantedAt))
        {
            if (o.Feature is { } feature)
            {
                features[feature] = o.FeatureValue ?? false;
            }
            else if (o.Limit is { } limit)
            {
                limits[limit] = o.LimitValue ?? 0;
                overriddenLimits.Add(limit);
            }
        }

        return new EntitlementsView(
            subscription.State,
            entitled,
            entitled ? plan!.PlanId : null,
            subscription.CurrentPeriodEnd,
            features.ToFrozenDictionary(StringComparer.Ordinal),
            limits.ToFrozenDictionary(StringComparer.Ordinal),
            version,
            subscription.CurrentPeriodStart,
            subscription.State == GrainInterfaces.Lifecycle.SubscriptionState.Trialing ? subscription.TrialEnd : null,
            Grace(subscription),
            Meters(product, used, limits, overriddenLimits, entitled),
            inForce,
            subscription.PendingChange);
    }

    /// <summary>
    /// When access ends by the clock though the state still grants it: the grace end of an open
    /// dunning episode (its suspend step, else its cancel), or the period end of a subscription
    /// canceling at it. The step or the provider's event that changes the state may come later (after
    /// an outage, a webhook's delay); access does not wait for it. Null when only a change of state
    /// can end access.
    /// </summary>
    public static DateTimeOffset? AccessEndsAt(Subscription subscription) => subscription.State switch
    {
        GrainInterfaces.Lifecycle.SubscriptionState.PastDue => Grace(subscription) is { } grace ? grace.AccessUntil ?? grace.CancelsAt : null,
        GrainInterfaces.Lifecycle.SubscriptionState.Canceling => subscription.CurrentPeriodEnd,
        _ => null,
    };

    /// <summary>
    /// Per meter, the period's usage against its limit. A metered limit the plan leaves out is
    /// unlimited while entitled; without entitlement nothing remains unless an override grants it.
    /// </summary>
    private static FrozenDictionary<string, MeterUsageView> Meters(
        ProductDefinition? product, IReadOnlyDictionary<string, decimal> used, Dictionary<string, long> limits, HashSet<string> overridden, bool entitled) =>
        (product?.Meters ?? []).ToFrozenDictionary(
            meter => meter.MeterId,
            meter =>
            {
                var usage = used.GetValueOrDefault(meter.MeterId);
                long? limit = meter.Limit is not { } name ? null
                    : limits.TryGetValue(name, out var value) ? value
                    : entitled ? null : 0;
                return new MeterUsageView(usage, limit, limit is { } l ? Math.Max(0m, l - usage) : null, meter.Limit is { } n && overridden.Contains(n));
            },
            StringComparer.Ordinal);

    private static GraceView? Grace(Subscription subscription)
    {
        if (subscription.Dunning is not { } episode)
        {
            return null;
        }

        var steps = episode.Policy.Steps;
        var suspend = steps.FirstOrDefault(step => step.Action == DunningAction.Suspend);
        var cancel = steps.FirstOrDefault(step => step.Action == DunningAction.Cancel);
        return new GraceView(episode.StartedAt, episode.StartedAt + suspend?.After, episode.StartedAt + cancel?.After);
    }
}
