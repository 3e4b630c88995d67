namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>A payment-provider event for one subscription, already verified and translated at the edge.</summary>
/// <param name="EventId">The provider's event id; an id applied before is skipped.</param>
/// <param name="Kind">What happened.</param>
/// <param name="OccurredAt">When the provider says it happened (coarse; never used to order events).</param>
/// <param name="ProviderCustomerId">The provider's customer id, when the event names one.</param>
/// <param name="ProviderSubscriptionId">The provider's subscription id, when the event names one.</param>
/// <param name="PlanId">This service's plan id, when the event's price maps to one.</param>
/// <param name="PeriodStart">The current period's start, for subscription and invoice events.</param>
/// <param name="PeriodEnd">The current period's end; a period end never moves backwards.</param>
/// <param name="TrialEnd">The trial's end, for trialing subscriptions.</param>
/// <param name="InvoiceId">The invoice, for invoice events; a paid invoice is never unpaid again.</param>
/// <param name="AmountMinor">The invoice's (or refund's) amount in minor units.</param>
/// <param name="ObjectId">The id of the provider object the event is about (checkout session, subscription, invoice).</param>
/// <param name="Fact">For <see cref="ProviderEventKind.Fact"/>: what the history records (<see cref="HistoryFact.ChargeRefunded"/>).</param>
/// <param name="Detail">For facts: what the history should say about it.</param>
/// <param name="SubscriptionStatus">For subscription events: the status in the event's snapshot (Stripe's word).</param>
/// <param name="CancelAtPeriodEnd">For subscription events: the snapshot's cancel-at-period-end flag.</param>
/// <param name="PriceId">For subscription events: the snapshot's price.</param>
/// <param name="Currency">The currency of <paramref name="AmountMinor"/>, ISO 4217 lower case.</param>
/// <param name="Email">The customer's email address as the provider holds it, when the event carries it.</param>
/// <param name="CollectionPaused">For subscription events: whether the snapshot's collection is paused (<c>pause_collection</c> set).</param>
/// <param name="Quantity">For subscription events: the snapshot's quantity of its price.</param>
/// <param name="DiscountIds">For subscription events: the snapshot's discounts (ids only; what they take off is fetched).</param>
/// <param name="HostedInvoiceUrl">Where the customer can see and pay the invoice, for invoice events.</param>
/// <param name="ChangeId">
/// For facts and failed payments: the one change the event tells of (<c>in_1/finalized</c>). Stripe may tell
/// one change in two events with different ids; both carry the same change id and are recorded once.
/// </param>
/// <param name="HandledBefore">
/// The inbox handed this event on before without recording what came of it (a silo lost mid-way): it may have been
/// applied already, longer ago than the subscription remembers ids, so its published history is asked as well.
/// </param>
[GenerateSerializer, Immutable, Alias("billing.ProviderEvent")]
public sealed record ProviderEvent(
    [property: Id(0)] string EventId,
    [property: Id(1)] ProviderEventKind Kind,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] string? ProviderCustomerId = null,
    [property: Id(4)] string? ProviderSubscriptionId = null,
    [property: Id(5)] string? PlanId = null,
    [property: Id(6)] DateTimeOffset? PeriodStart = null,
    [property: Id(7)] DateTimeOffset? PeriodEnd = null,
    [property: Id(8)] DateTimeOffset? TrialEnd = null,
    [property: Id(9)] string? InvoiceId = null,
    [property: Id(10)] long? AmountMinor = null,
    [property: Id(11)] string? ObjectId = null,
    [property: Id(12)] HistoryFact? Fact = null,
    [property: Id(13)] string? Detail = null,
    [property: Id(14)] string? ChangeId = null,
    [property: Id(15)] string? HostedInvoiceUrl = null,
    [property: Id(16)] string? SubscriptionStatus = null,
    [property: Id(17)] bool? CancelAtPeriodEnd = null,
    [property: Id(18)] string? PriceId = null,
    [property: Id(19)] string? Currency = null,
    [property: Id(20)] string? Email = null,
    [property: Id(21)] bool? CollectionPaused = null,
    [property: Id(22)] int? Quantity = null,
    [property: Id(23)] IReadOnlyList<string>? DiscountIds = null,
    [property: Id(24)] bool HandledBefore = false);
