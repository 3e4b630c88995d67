using Orleans.Concurrency;
using OrleansBilling.GrainInterfaces.Webhooks;

namespace OrleansBilling.Grains.Stripe.Webhooks;

/// <summary>Reads anomalies from the event store; stateless, so any silo may answer.</summary>
[GrainType("anomaly-log"), StatelessWorker]
public sealed class AnomalyLogGrain(IStripeEventStore store) : Grain, IAnomalyLogGrain
{
    public Task<IReadOnlyList<AnomalyView>> Recent(int limit) =>
        store.RecentAnomaliesAsync(Math.Clamp(limit, 1, 500), CancellationToken.None);
}
