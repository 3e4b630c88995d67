namespace OrleansBilling.Grains.Payments;

/// <summary>An invoice as the payment provider holds it.</summary>
/// <param name="Id">The provider's invoice id.</param>
/// <param name="SubscriptionId">The subscription it bills, if any.</param>
/// <param name="Status"><c>draft</c>, <c>open</c>, <c>paid</c>, <c>void</c> or <c>uncollectible</c>.</param>
/// <param name="AmountDue">Minor units due.</param>
/// <param name="AmountPaid">Minor units paid.</param>
/// <param name="Currency">ISO 4217, lower case.</param>
/// <param name="Created">When it was created.</param>
/// <param name="PeriodStart">The start of the period it bills.</param>
/// <param name="PeriodEnd">The end of the period it bills.</param>
/// <param name="HostedUrl">Where the customer can see and pay it.</param>
/// <param name="PaymentIntentId">The payment that paid it, for refunds.</param>
public sealed record ProviderInvoice(
    string Id,
    string? SubscriptionId,
    string Status,
    long AmountDue,
    long AmountPaid,
    string Currency,
    DateTimeOffset Created,
    DateTimeOffset? PeriodStart,
    DateTimeOffset? PeriodEnd,
    string? HostedUrl,
    string? PaymentIntentId)
{
    public bool IsPaid => Status == "paid";
}
