using OrleansBilling.Grains.Payments;

namespace OrleansBilling.Grains.Effects;

/// <summary>Charges the open invoice again. A decline is the provider's answer, not a failure: only outages retry.</summary>
public sealed class RetryPaymentExecutor(IPaymentProvider payments) : EffectExecutor<Effect.RetryPayment>
{
    protected override async Task<EffectResult> ExecuteAsync(Effect.RetryPayment retry, CancellationToken cancellationToken)
    {
        try
        {
            await payments.PayInvoiceAsync(retry.InvoiceId, retry.IdempotencyKey, cancellationToken);
        }
        catch (PaymentProviderException ex) when (!ex.Transient)
        {
            // Declined, or already paid: the invoice's own events tell the subscription.
        }

        return EffectResult.Done;
    }
}
