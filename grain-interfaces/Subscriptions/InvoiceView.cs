namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>One of the customer's invoices, as the payment provider holds it.</summary>
[GenerateSerializer, Immutable, Alias("billing.InvoiceView")]
public sealed record InvoiceView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Status,
    [property: Id(2)] long AmountDue,
    [property: Id(3)] long AmountPaid,
    [property: Id(4)] string Currency,
    [property: Id(5)] DateTimeOffset Created,
    [property: Id(6)] DateTimeOffset? PeriodStart,
    [property: Id(7)] DateTimeOffset? PeriodEnd,
    [property: Id(8)] string? HostedUrl);
