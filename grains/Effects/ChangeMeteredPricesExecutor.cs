using OrleansBilling.Grains.Payments;

namespace OrleansBilling.Grains.Effects;

/// <summary>
/// Swaps the subscription's metered prices at the provider, billing the usage of those taken off, as long as the
/// plan's price there is still the one the effect was decided for: an effect delayed past a later plan change
/// does nothing rather than undo it. Outages retry; a refusal (the subscription ended meanwhile) gives up, named.
/// </summary>
public sealed class ChangeMeteredPricesExecutor(IPaymentProvider payments) : EffectExecutor<Effect.ChangeMeteredPrices>
{
    protected override async Task<EffectResult> ExecuteAsync(Effect.ChangeMeteredPrices change, CancellationToken cancellationToken)
    {
        try
        {
            await payments.ChangeMeteredPricesAsync(change.ProviderSubscriptionId, change.PriceId, change.MeteredPriceIds, change.IdempotencyKey, cancellationToken);
            return EffectResult.Done;
        }
        catch (PaymentProviderException ex) when (!ex.Transient)
        {
            return EffectResult.GaveUp($"The provider refused to change the metered prices of {change.ProviderSubscriptionId}: {ex.Message}");
        }
    }
}
