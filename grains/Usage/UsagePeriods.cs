using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Usage;
using OrleansBilling.Grains.Lifecycle;

namespace OrleansBilling.Grains.Usage;

/// <summary>
/// Which billing period a usage event counts in. Periods follow each other without gaps, so usage
/// after the current period's end, while a renewing subscription waits for the renewal to arrive,
/// counts in the period that starts at that end.
/// </summary>
public static class UsagePeriods
{
    /// <summary>How far ahead of the service's clock a timestamp may be (clock skew of the reporting product).</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(5);

    /// <summary>The start of the period usage at <paramref name="timestamp"/> counts in, or why it counts nowhere.</summary>
    public static (DateTimeOffset? PeriodStart, UsageError? Error, string? Detail) Of(BillingPeriod? period, DateTimeOffset timestamp, DateTimeOffset now)
    {
        if (period?.CurrentStart is not { } start || period.CurrentEnd is not { } end)
        {
            return (null, UsageError.NoBillingPeriod, $"The customer has no billing period yet (state {period?.State ?? SubscriptionState.None}).");
        }

        if (timestamp > now + FutureTolerance)
        {
            return (null, UsageError.OutsidePeriod, $"The timestamp {timestamp:O} is in the future.");
        }

        if (timestamp >= start && timestamp < end)
        {
            return (start, null, null);
        }

        if (period.PreviousStart is { } previous && timestamp >= previous && timestamp < start)
        {
            return (previous, null, null);
        }

        if (timestamp >= end && Renews(period.State))
        {
            return (end, null, null);
        }

        return (null, UsageError.OutsidePeriod,
            $"The timestamp {timestamp:O} is outside the current period ({start:O} to {end:O}) and the previous one.");
    }

    /// <summary>The period whose usage the entitlements show now: the next one once the current has ended and a renewal is due.</summary>
    public static DateTimeOffset? Current(Subscription subscription, DateTimeOffset now) =>
        subscription.CurrentPeriodEnd is { } end && now >= end && Renews(subscription.State) ? end : subscription.CurrentPeriodStart;

    /// <summary>What metering needs of <paramref name="subscription"/>.</summary>
    public static BillingPeriod Of(Subscription subscription) => new(
        subscription.State, subscription.CurrentPeriodStart, subscription.CurrentPeriodEnd, subscription.PreviousPeriodStart,
        subscription.ProviderCustomerId, subscription.LastSequence, subscription.PlanId,
        [.. subscription.Overrides.Where(o => o.Limit is not null).Select(o => new LimitOverride(o.Limit!, o.LimitValue ?? 0, o.GrantedAt, o.ExpiresAt))]);

    /// <summary>A subscription in these states starts a new period when the current one ends.</summary>
    private static bool Renews(SubscriptionState state) =>
        state is SubscriptionState.Active or SubscriptionState.Trialing or SubscriptionState.PastDue;
}
