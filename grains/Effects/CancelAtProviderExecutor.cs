using OrleansBilling.Grains.Payments;

namespace OrleansBilling.Grains.Effects;

/// <summary>
/// Ends the subscription at the provider now, when dunning is exhausted: its metered usage so far is not billed
/// (a customer whose payments kept failing gets no further invoice). "Already canceled" is an answer too: only
/// outages retry.
/// </summary>
public sealed class CancelAtProviderExecutor(IPaymentProvider payments) : EffectExecutor<Effect.CancelAtProvider>
{
    protected override async Task<EffectResult> ExecuteAsync(Effect.CancelAtProvider cancel, CancellationToken cancellationToken)
    {
        try
        {
            await payments.CancelSubscriptionAsync(cancel.ProviderSubscriptionId, atPeriodEnd: false, invoiceUsage: false, cancel.IdempotencyKey, cancellationToken);
        }
        catch (PaymentProviderException ex) when (!ex.Transient)
        {
            // Already canceled or gone at the provider: there is nothing left to end.
        }

        return EffectResult.Done;
    }
}
