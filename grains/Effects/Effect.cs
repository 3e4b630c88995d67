using System.Text.Json.Serialization;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.GrainInterfaces.Usage;
using OrleansBilling.Grains.ReadModel;

namespace OrleansBilling.Grains.Effects;

/// <summary>
/// Something to do outside the grain once a decision is persisted. An effect carries everything it
/// needs, fixed when the decision was made (the template and its variables, the provider's
/// idempotency key, the rows to publish), so it runs the same whenever and wherever it runs: in the
/// call that decided, after a retry, or on another silo after a crash. Each is safe to repeat.
/// </summary>
[GenerateSerializer, Immutable, Alias("billing.Effect")]
[JsonPolymorphic(TypeDiscriminatorPropertyName = "effect")]
[JsonDerivedType(typeof(PublishReadModel), "publishReadModel")]
[JsonDerivedType(typeof(IndexProviderCustomer), "indexProviderCustomer")]
[JsonDerivedType(typeof(SendEmail), "sendEmail")]
[JsonDerivedType(typeof(RetryPayment), "retryPayment")]
[JsonDerivedType(typeof(CancelAtProvider), "cancelAtProvider")]
[JsonDerivedType(typeof(SyncUsagePeriod), "syncUsagePeriod")]
[JsonDerivedType(typeof(CancelDuplicate), "cancelDuplicate")]
[JsonDerivedType(typeof(ChangeMeteredPrices), "changeMeteredPrices")]
[JsonDerivedType(typeof(RecordAudit), "recordAudit")]
[JsonDerivedType(typeof(PublishProductEvents), "publishProductEvents")]
public abstract record Effect
{
    /// <summary>Bring the read model up to date: the subscription's row as of <paramref name="Row"/>'s version, and new history.</summary>
    [GenerateSerializer, Immutable, Alias("billing.Effect.PublishReadModel")]
    public sealed record PublishReadModel([property: Id(0)] SubscriptionRow Row, [property: Id(1)] IReadOnlyList<HistoryEntry> Entries) : Effect;

    /// <summary>Let events that name only the provider's customer (refunds) find the subscription <paramref name="SubscriptionKey"/>.</summary>
    [GenerateSerializer, Immutable, Alias("billing.Effect.IndexProviderCustomer")]
    public sealed record IndexProviderCustomer([property: Id(0)] string ProviderCustomerId, [property: Id(1)] string SubscriptionKey) : Effect;

    /// <summary>One lifecycle email, as decided: template, recipient and variables.</summary>
    /// <param name="Template">The lifecycle moment (<c>payment_failed</c>).</param>
    /// <param name="TemplateId">The email provider's template, from the product's catalog at the time of the decision.</param>
    /// <param name="To">The recipient.</param>
    /// <param name="Params">The template's variables.</param>
    /// <param name="Key">The sent-log key (subscription, moment, episode): one email per key, ever.</param>
    /// <param name="Tags">Labels for the provider's statistics.</param>
    [GenerateSerializer, Immutable, Alias("billing.Effect.SendEmail")]
    public sealed record SendEmail(
        [property: Id(0)] string Template,
        [property: Id(1)] long TemplateId,
        [property: Id(2)] string To,
        [property: Id(3)] IReadOnlyDictionary<string, string> Params,
        [property: Id(4)] string Key,
        [property: Id(5)] IReadOnlyList<string> Tags) : Effect
    {
        /// <summary>Records compare dictionaries by reference; two sends are the same email when their key is.</summary>
        public bool Equals(SendEmail? other) => other is not null && other.Key == Key;

        public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);
    }

    /// <summary>Try to charge the open invoice again; a decline is an answer, not a failure of the effect.</summary>
    [GenerateSerializer, Immutable, Alias("billing.Effect.RetryPayment")]
    public sealed record RetryPayment([property: Id(0)] string InvoiceId, [property: Id(1)] string IdempotencyKey) : Effect;

    /// <summary>End the subscription at the provider now (dunning exhausted).</summary>
    [GenerateSerializer, Immutable, Alias("billing.Effect.CancelAtProvider")]
    public sealed record CancelAtProvider([property: Id(0)] string ProviderSubscriptionId, [property: Id(1)] string IdempotencyKey) : Effect;

    /// <summary>
    /// End a second subscription the customer got at the provider (two checkouts paid in a race) now, and
    /// refund what its latest invoice charged. Keys derive from <paramref name="IdempotencyKey"/>.
    /// </summary>
    [GenerateSerializer, Immutable, Alias("billing.Effect.CancelDuplicate")]
    public sealed record CancelDuplicate([property: Id(0)] string ProviderSubscriptionId, [property: Id(1)] string SubscriptionKey, [property: Id(2)] string IdempotencyKey) : Effect;

    /// <summary>Tell the customer's usage grain the billing period usage counts in now.</summary>
    [GenerateSerializer, Immutable, Alias("billing.Effect.SyncUsagePeriod")]
    public sealed record SyncUsagePeriod([property: Id(0)] string SubscriptionKey, [property: Id(1)] BillingPeriod Period) : Effect;

    /// <summary>
    /// Put the subscription's metered prices in line with its plan (<paramref name="MeteredPriceIds"/>) if the
    /// plan's price at the provider is still <paramref name="PriceId"/>: a change scheduled for the period end swaps
    /// them once the new period has begun, so the past period's usage was billed at the plan it was used on.
    /// </summary>
    [GenerateSerializer, Immutable, Alias("billing.Effect.ChangeMeteredPrices")]
    public sealed record ChangeMeteredPrices(
        [property: Id(0)] string ProviderSubscriptionId,
        [property: Id(1)] string PriceId,
        [property: Id(2)] IReadOnlyList<string> MeteredPriceIds,
        [property: Id(3)] string IdempotencyKey) : Effect;

    /// <summary>
    /// Append a member of staff's action on the customer, and how it ended, to the audit trail: decided with the
    /// action, so it is written whenever the action's own change is.
    /// </summary>
    [GenerateSerializer, Immutable, Alias("billing.Effect.RecordAudit")]
    public sealed record RecordAudit([property: Id(0)] GrainInterfaces.Staff.AuditRecord Record) : Effect;

    /// <summary>
    /// Store the events to the product of a change, decided with it, in the event outbox (<c>billing.product_events</c>), whose
    /// delivery grains send them on: written only once the change is, and then certainly.
    /// </summary>
    [GenerateSerializer, Immutable, Alias("billing.Effect.PublishProductEvents")]
    public sealed record PublishProductEvents([property: Id(0)] IReadOnlyList<GrainInterfaces.Events.ProductEvent> Events) : Effect
    {
        /// <summary>Records compare lists by reference; two publishes are the same when they carry the same events.</summary>
        public bool Equals(PublishProductEvents? other) => other is not null && other.Events.Select(e => e.Id).SequenceEqual(Events.Select(e => e.Id));

        public override int GetHashCode() => Events.Count == 0 ? 0 : Events[0].Id.GetHashCode(StringComparison.Ordinal);
    }
}
