namespace OrleansBilling.GrainInterfaces.Products;

/// <summary>A new API key: <paramref name="Key"/> is shown this once and stored nowhere but as its hash.</summary>
[GenerateSerializer, Immutable, Alias("billing.IssuedApiKey")]
public sealed record IssuedApiKey(
    [property: Id(0)] string Id,
    [property: Id(1)] string Key,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] string? Replaces = null,
    [property: Id(4)] DateTimeOffset? ReplacedKeyExpiresAt = null);
