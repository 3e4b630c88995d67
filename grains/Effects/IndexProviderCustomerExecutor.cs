using OrleansBilling.Grains.Stripe;

namespace OrleansBilling.Grains.Effects;

/// <summary>Records which subscription a provider customer belongs to, for events that name only the customer.</summary>
public sealed class IndexProviderCustomerExecutor(IGrainFactory grains) : EffectExecutor<Effect.IndexProviderCustomer>
{
    protected override async Task<EffectResult> ExecuteAsync(Effect.IndexProviderCustomer index, CancellationToken cancellationToken)
    {
        await grains.GetGrain<IProviderCustomerIndexGrain>(ProviderCustomerIndexGrain.KeyOf(index.ProviderCustomerId)).Set(index.SubscriptionKey);
        return EffectResult.Done;
    }
}
