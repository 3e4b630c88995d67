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
public abstract record Effect
{
    /// <summary>Bring the read model (current row and history) up to date with the grain.</summary>
    [GenerateSerializer, Immutable, Alias("billing.Effect.PublishReadModel")]
    public sealed record PublishReadModel : Effect;

    /// <summary>Let events that name only the provider's customer (refunds) find this subscription.</summary>
    [GenerateSerializer, Immutable, Alias("billing.Effect.IndexProviderCustomer")]
    public sealed record IndexProviderCustomer([property: Id(0)] string ProviderCustomerId) : Effect;
}
