namespace OrleansBilling.Grains.Products;

/// <summary>One of a product's API keys as the product grain keeps it: the hash, never the key.</summary>
[GenerateSerializer, Alias("billing.ApiKeyRecord")]
public sealed record ApiKeyRecord(
    [property: Id(0)] string Hash,
    [property: Id(1)] DateTimeOffset CreatedAt,
    [property: Id(2)] string CreatedBy,
    [property: Id(3)] DateTimeOffset? ExpiresAt = null,
    [property: Id(4)] DateTimeOffset? RevokedAt = null,
    [property: Id(5)] string? RevokedBy = null)
{
    /// <summary>The key's id: enough of its hash to name it, too little to matter.</summary>
    public string Id => $"key_{Hash[..12]}";

    public bool WorksAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}
