using System.Text.Json.Serialization;

namespace OrleansBilling.Grains.Lifecycle;

/// <summary>
/// Something to do outside the grain after a decision is persisted. Effects are written with the
/// state they belong to, run after the write, marked done, and run again after a crash, so each
/// must be safe to repeat.
/// </summary>
[GenerateSerializer, Immutable, Alias("billing.Effect")]
[JsonPolymorphic(TypeDiscriminatorPropertyName = "effect")]
[JsonDerivedType(typeof(PublishReadModel), "publishReadModel")]
[JsonDerivedType(typeof(IndexProviderCustomer), "indexProviderCustomer")]
[JsonDerivedType(typeof(SendEmail), "sendEmail")]
[JsonDerivedType(typeof(RetryPayment), "retryPayment")]
[JsonDerivedType(typeof(CancelAtProvider), "cancelAtProvider")]
[JsonDerivedType(typeof(ArmDunning), "armDunning")]
[JsonDerivedType(typeof(StopDunning), "stopDunning")]
public abstract record Effect
{
    /// <summary>Bring the read model (current row and history) up to date with the grain.</summary>
    [GenerateSerializer, Immutable, Alias("billing.Effect.PublishReadModel")]
    public sealed record PublishReadModel : Effect;

    /// <summary>Let events that name only the provider's customer (refunds) find this subscription.</summary>
    [GenerateSerializer, Immutable, Alias("billing.Effect.IndexProviderCustomer")]
    public sealed record IndexProviderCustomer([property: Id(0)] string ProviderCustomerId) : Effect;

    /// <summary>Send the product's template for a lifecycle moment, once per <paramref name="Key"/> (the sent-log key).</summary>
    [GenerateSerializer, Immutable, Alias("billing.Effect.SendEmail")]
    public sealed record SendEmail([property: Id(0)] string Template, [property: Id(1)] string Key) : Effect;

    /// <summary>Try to charge the open invoice again; a decline is an answer, not a failure of the effect.</summary>
    [GenerateSerializer, Immutable, Alias("billing.Effect.RetryPayment")]
    public sealed record RetryPayment([property: Id(0)] string InvoiceId, [property: Id(1)] string IdempotencyKey) : Effect;

    /// <summary>End the subscription at the provider now (dunning exhausted).</summary>
    [GenerateSerializer, Immutable, Alias("billing.Effect.CancelAtProvider")]
    public sealed record CancelAtProvider([property: Id(0)] string ProviderSubscriptionId, [property: Id(1)] string IdempotencyKey) : Effect;

    /// <summary>Wake the subscription when the next dunning step is due (the durable <c>dunning</c> reminder).</summary>
    [GenerateSerializer, Immutable, Alias("billing.Effect.ArmDunning")]
    public sealed record ArmDunning([property: Id(0)] DateTimeOffset DueAt) : Effect;

    /// <summary>No dunning step is left: remove the reminder.</summary>
    [GenerateSerializer, Immutable, Alias("billing.Effect.StopDunning")]
    public sealed record StopDunning : Effect;
}
