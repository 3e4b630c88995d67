namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>A refund support or finance asks for: of one invoice's payment or one charge, whole or in part.</summary>
/// <param name="InvoiceId">The paid invoice to refund (<c>in_…</c>), or null when <paramref name="ChargeId"/> names the payment.</param>
/// <param name="ChargeId">The charge to refund (<c>ch_…</c>), or null when <paramref name="InvoiceId"/> names it.</param>
/// <param name="AmountMinor">How much, in the payment's minor units; all that remains refundable when null.</param>
/// <param name="Reason">Why, in the words of whoever asks: kept in the history, never sent to Stripe.</param>
/// <param name="CancelSubscription">Also cancel the subscription now (refund the last period and end it).</param>
[GenerateSerializer, Immutable, Alias("billing.RefundRequest")]
public sealed record RefundRequest(
    [property: Id(0)] string? InvoiceId,
    [property: Id(1)] string? ChargeId,
    [property: Id(2)] long? AmountMinor,
    [property: Id(3)] string Reason,
    [property: Id(4)] bool CancelSubscription = false);

/// <summary>A refund issued through Stripe.</summary>
/// <param name="RefundId">Stripe's refund id.</param>
/// <param name="ChargeId">The charge refunded.</param>
/// <param name="InvoiceId">The invoice the charge paid, when known.</param>
/// <param name="AmountMinor">This refund's amount.</param>
/// <param name="Currency">ISO 4217, lower case.</param>
/// <param name="RefundedMinor">How much of the charge is refunded now, this refund included.</param>
/// <param name="RemainingMinor">How much of the charge could still be refunded.</param>
/// <param name="Status">Stripe's status of the refund (<c>succeeded</c>, <c>pending</c>).</param>
/// <param name="State">The subscription's state after the call (<c>Canceled</c> when it was canceled with the refund).</param>
[GenerateSerializer, Immutable, Alias("billing.RefundView")]
public sealed record RefundView(
    [property: Id(0)] string RefundId,
    [property: Id(1)] string ChargeId,
    [property: Id(2)] string? InvoiceId,
    [property: Id(3)] long AmountMinor,
    [property: Id(4)] string Currency,
    [property: Id(5)] long RefundedMinor,
    [property: Id(6)] long RemainingMinor,
    [property: Id(7)] string Status,
    [property: Id(8)] Lifecycle.SubscriptionState State);
