namespace OrleansBilling.GrainInterfaces.Events;

/// <summary>One of a product's event endpoints as staff see it: never its secrets.</summary>
/// <param name="Id">The endpoint's id (<c>ep_…</c>).</param>
/// <param name="ProductId">The product it receives events of.</param>
/// <param name="Url">Where events are posted.</param>
/// <param name="EventTypes">The types it receives.</param>
/// <param name="Description">What it is, for people.</param>
/// <param name="Enabled">Whether events are sent to it.</param>
/// <param name="CreatedAt">When it was added.</param>
/// <param name="CreatedBy">Who added it.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="DisabledAt">When it was disabled, if it is.</param>
/// <param name="DisabledReason">Why: an admin's reason, or the service's when every attempt failed for the whole retry window.</param>
/// <param name="SecretCreatedAt">When the current secret was made.</param>
/// <param name="PreviousSecretExpiresAt">While a rotation's window lasts: when the previous secret stops signing.</param>
/// <param name="LastDeliveredAt">When it last answered a delivery with 2xx.</param>
/// <param name="Pending">Deliveries waiting (new or being retried).</param>
/// <param name="Failed">Deliveries given up after the retry window.</param>
[GenerateSerializer, Immutable, Alias("billing.EventEndpointView")]
public sealed record EventEndpointView(
    [property: Id(0)] string Id,
    [property: Id(1)] string ProductId,
    [property: Id(2)] string Url,
    [property: Id(3)] IReadOnlyList<string> EventTypes,
    [property: Id(4)] string Description,
    [property: Id(5)] bool Enabled,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] string CreatedBy,
    [property: Id(8)] DateTimeOffset UpdatedAt,
    [property: Id(9)] DateTimeOffset? DisabledAt,
    [property: Id(10)] string? DisabledReason,
    [property: Id(11)] DateTimeOffset SecretCreatedAt,
    [property: Id(12)] DateTimeOffset? PreviousSecretExpiresAt,
    [property: Id(13)] DateTimeOffset? LastDeliveredAt,
    [property: Id(14)] int Pending,
    [property: Id(15)] int Failed);
