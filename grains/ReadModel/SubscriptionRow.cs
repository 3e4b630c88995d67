using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Grains.ReadModel;

/// <summary>
/// A subscription's current row in the read model (<c>billing.subscriptions</c>), for search and reporting; with the
/// invoices it knows (open and recently paid), so support finds a customer by an invoice's id.
/// </summary>
[GenerateSerializer, Immutable, Alias("billing.SubscriptionRow")]
public sealed record SubscriptionRow(
    string SubscriptionKey,
    string ProductId,
    string CustomerId,
    SubscriptionState State,
    string? PlanId,
    DateTimeOffset? CurrentPeriodEnd,
    string? Email,
    string? ProviderCustomerId,
    string? ProviderSubscriptionId,
    long Version,
    DateTimeOffset UpdatedAt,
    int WinBacks = 0,
    DateTimeOffset? LastWonBackAt = null,
    PriceTerms? Terms = null,
    IReadOnlyList<string>? InvoiceIds = null);
