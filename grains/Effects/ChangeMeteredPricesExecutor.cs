using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Payments;

namespace OrleansBilling.Grains.Effects;

/// <summary>
/// Swaps the subscription's metered prices at the provider; the plan's price is already the one sent, so
/// nothing is prorated. Outages retry; a refusal (the subscription ended meanwhile) gives up, named.
/// </summary>
public sealed class ChangeMeteredPricesExecutor(IPaymentProvider payments) : EffectExecutor<Effect.ChangeMeteredPrices>
{
    protected override async Task<EffectResult> ExecuteAsync(Effect.ChangeMeteredPrices change, CancellationToken cancellationToken)
    {
        try
        {
            await payments.ChangePriceAsync(change.ProviderSubscriptionId, change.PriceId, change.MeteredPriceIds, ProrationMode.None, change.IdempotencyKey, cancellationToken);
            return EffectResult.Done;
        }
        catch (PaymentProviderException ex) when (!ex.Transient)
        {
            return EffectResult.GaveUp($"The provider refused to change the metered prices of {change.ProviderSubscriptionId}: {ex.Message}");
        }
    }
}
