using Orleans.Concurrency;

namespace OrleansBilling.GrainInterfaces.Usage;

/// <summary>
/// One customer's metered usage, keyed like its subscription (<see cref="BillingIds.SubscriptionKey"/>):
/// its own grain because it has its own write path (the usage journal) and its own pace.
/// </summary>
[Alias("billing.IUsageGrain")]
public interface IUsageGrain : IWakeable
{
    /// <summary>
    /// Records usage events durably, once per idempotency key, in the billing period each falls in,
    /// and answers each event in order. Accepted usage is forwarded to the provider's meters later.
    /// </summary>
    [Repeatable, Alias("RecordUsage")]
    Task<IReadOnlyList<UsageResult>> RecordUsage(IReadOnlyList<UsageEvent> events);

    /// <summary>
    /// Sends usage the provider has not accepted yet now, instead of at the next wake-up. Answers 0 when
    /// none is left unsent, -1 when some is (the provider failed, or there was more than one run's share).
    /// </summary>
    [Alias("ForwardUsage")]
    Task<int> ForwardUsage();

    /// <summary>The usage of the period starting at <paramref name="periodStart"/>, per meter.</summary>
    [ReadOnly, Alias("ReadUsage")]
    Task<UsageReading> ReadUsage(DateTimeOffset periodStart);

    /// <summary>The subscription's billing period changed; an older one than known is ignored.</summary>
    [Alias("SetBillingPeriod")]
    Task SetBillingPeriod(BillingPeriod period);
}
