using OrleansBilling.GrainInterfaces.Lifecycle;

namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>
/// One event of a subscription's record: a transition it took or a fact it recorded, who caused it,
/// and what it did to the money. Appended, never changed; reporting and events to products are
/// computed from these.
/// </summary>
/// <param name="Sequence">1, 2, 3, … per subscription; never reused.</param>
/// <param name="OccurredAt">When the service applied it.</param>
/// <param name="Kind">Transition or fact.</param>
/// <param name="Name">The transition's name (<c>PaymentFailed</c>) or the fact's (<c>InvoicePaid</c>).</param>
/// <param name="From">The state before.</param>
/// <param name="To">The state after (equal to <paramref name="From"/> for facts).</param>
/// <param name="Actor">
/// Who caused it: <c>api:&lt;product&gt;</c>, <c>stripe:&lt;event id&gt;</c>, <c>dunning</c>,
/// <c>admin:&lt;name&gt;</c>, or <c>clock</c> for what time alone brings (an override's expiry).
/// </param>
/// <param name="Detail">Plain words or identifiers that explain the entry (invoice, reason); never an email address.</param>
/// <param name="TermsBefore">What the customer was paying for before, on entries that change the state or the terms.</param>
/// <param name="TermsAfter">What the customer pays for after, on the same entries.</param>
/// <param name="Amount">The money that moved, on entries about a payment or a refund.</param>
/// <param name="Transition">The transition, for <see cref="HistoryKind.Transition"/> entries.</param>
/// <param name="Fact">The fact, for <see cref="HistoryKind.Fact"/> entries.</param>
[GenerateSerializer, Immutable, Alias("billing.HistoryEntry")]
public sealed record HistoryEntry(
    [property: Id(0)] long Sequence,
    [property: Id(1)] DateTimeOffset OccurredAt,
    [property: Id(2)] HistoryKind Kind,
    [property: Id(3)] string Name,
    [property: Id(4)] SubscriptionState From,
    [property: Id(5)] SubscriptionState To,
    [property: Id(6)] string Actor,
    [property: Id(7)] string? Detail,
    [property: Id(8)] PriceTerms? TermsBefore = null,
    [property: Id(9)] PriceTerms? TermsAfter = null,
    [property: Id(10)] Money? Amount = null,
    [property: Id(11)] LifecycleTransition? Transition = null,
    [property: Id(12)] HistoryFact? Fact = null);
