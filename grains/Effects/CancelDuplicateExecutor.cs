using OrleansBilling.Grains.Payments;

namespace OrleansBilling.Grains.Effects;

/// <summary>
/// Ends a second subscription of a customer at the provider now and refunds what its latest invoice
/// charged. Each step has its own idempotency key, so a retry after an outage repeats nothing; a
/// subscription already gone or an invoice with nothing left to refund is an answer, not a failure.
/// </summary>
public sealed class CancelDuplicateExecutor(IPaymentProvider payments) : EffectExecutor<Effect.CancelDuplicate>
{
    protected override async Task<EffectResult> ExecuteAsync(Effect.CancelDuplicate duplicate, CancellationToken cancellationToken)
    {
        string? invoiceId;
        try
        {
            invoiceId = (await payments.GetSubscriptionAsync(duplicate.ProviderSubscriptionId, cancellationToken)).LatestInvoiceId;
        }
        catch (PaymentProviderException ex) when (!ex.Transient)
        {
            // The provider does not know it (any more): nothing to cancel or refund.
            return EffectResult.Done;
        }

        try
        {
            await payments.CancelSubscriptionAsync(duplicate.ProviderSubscriptionId, atPeriodEnd: false, invoiceUsage: false, $"{duplicate.IdempotencyKey}/cancel", cancellationToken);
        }
        catch (PaymentProviderException ex) when (!ex.Transient)
        {
            // Already canceled at the provider.
        }

        if (invoiceId is null)
        {
            return EffectResult.Done;
        }

        RefundablePayment payment;
        try
        {
            payment = await payments.GetRefundableAsync(invoiceId, null, cancellationToken);
        }
        catch (PaymentProviderException ex) when (!ex.Transient)
        {
            // Nothing was charged (a trial's first invoice).
            return EffectResult.Done;
        }

        if (payment.RemainingMinor > 0)
        {
            await payments.RefundAsync(duplicate.SubscriptionKey, payment.ChargeId, payment.RemainingMinor, $"{duplicate.IdempotencyKey}/refund", cancellationToken);
        }

        return EffectResult.Done;
    }
}
