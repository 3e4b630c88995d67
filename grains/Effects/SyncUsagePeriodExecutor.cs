using OrleansBilling.GrainInterfaces.Usage;

namespace OrleansBilling.Grains.Effects;

/// <summary>Gives the customer's usage grain the billing period it counts usage in.</summary>
public sealed class SyncUsagePeriodExecutor(IGrainFactory grains) : EffectExecutor<Effect.SyncUsagePeriod>
{
    protected override async Task<EffectResult> ExecuteAsync(Effect.SyncUsagePeriod sync, CancellationToken cancellationToken)
    {
        await grains.GetGrain<IUsageGrain>(sync.SubscriptionKey).SetBillingPeriod(sync.Period);
        return EffectResult.Done;
    }
}
