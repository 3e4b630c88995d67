namespace OrleansBilling.Grains.Payments;

/// <summary>A payment as the provider holds it now, for a refund: whose it is, how much it was, how much is refunded.</summary>
/// <param name="ChargeId">The charge.</param>
/// <param name="CustomerId">The provider's customer it charged.</param>
/// <param name="InvoiceId">The invoice it paid, when asked by invoice.</param>
/// <param name="AmountMinor">What was charged.</param>
/// <param name="RefundedMinor">What is refunded of it so far.</param>
/// <param name="Currency">ISO 4217, lower case.</param>
public sealed record RefundablePayment(string ChargeId, string? CustomerId, string? InvoiceId, long AmountMinor, long RefundedMinor, string Currency)
{
    /// <summary>What can still be refunded.</summary>
    public long RemainingMinor => Math.Max(0, AmountMinor - RefundedMinor);
}

/// <summary>A refund the provider made.</summary>
public sealed record ProviderRefund(string Id, long AmountMinor, string Status);
