using Orleans.Concurrency;

namespace OrleansBilling.GrainInterfaces.Webhooks;

/// <summary>Reads the anomalies recorded by the Stripe inbox, for support and monitoring.</summary>
[Alias("billing.IAnomalyLogGrain")]
public interface IAnomalyLogGrain : IGrainWithIntegerKey
{
    /// <summary>The most recent anomalies, newest first.</summary>
    [ReadOnly, Alias("Recent")]
    Task<IReadOnlyList<AnomalyView>> Recent(int limit);
}
