using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Grains.Payments;

/// <summary>A subscription as the payment provider holds it right now ("fetch on doubt").</summary>
/// <param name="Id">The provider's subscription id.</param>
/// <param name="CustomerId">The provider's customer id.</param>
/// <param name="Status">Its status.</param>
/// <param name="CancelAtPeriodEnd">Whether it ends at the period end.</param>
/// <param name="PriceId">The price of its (single) item.</param>
/// <param name="PeriodStart">The current period's start.</param>
/// <param name="PeriodEnd">The current period's end.</param>
/// <param name="TrialEnd">The trial's end, if it has or had one.</param>
/// <param name="LatestInvoiceId">Its latest invoice.</param>
/// <param name="LatestInvoicePaid">Whether that invoice is paid.</param>
/// <param name="CustomerEmail">The customer's email address, when the provider holds one.</param>
/// <param name="CollectionPaused">Whether its collection is paused (Stripe's <c>pause_collection</c>; the status stays as it is).</param>
/// <param name="Quantity">How many units of its price it bills.</param>
/// <param name="Discounts">Its discounts, in the order they apply; null when the provider did not say (an event's snapshot).</param>
/// <param name="ObservedAt">When the provider answered, by the provider's own clock (Stripe's <c>Date</c> header, whole seconds); null when unknown.</param>
public sealed record ProviderSubscription(
    string Id,
    string? CustomerId,
    ProviderSubscriptionStatus Status,
    bool CancelAtPeriodEnd,
    string? PriceId,
    DateTimeOffset? PeriodStart,
    DateTimeOffset? PeriodEnd,
    DateTimeOffset? TrialEnd,
    string? LatestInvoiceId,
    bool LatestInvoicePaid,
    string? CustomerEmail = null,
    bool CollectionPaused = false,
    int Quantity = 1,
    IReadOnlyList<PriceDiscount>? Discounts = null,
    DateTimeOffset? ObservedAt = null);
