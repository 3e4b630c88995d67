namespace OrleansBilling.GrainInterfaces.Products;

/// <summary>One of a product's API keys as support and operations see it: never the key itself.</summary>
/// <param name="Id">The key's id (<c>key_</c> and the start of its hash), for rotating or revoking it.</param>
/// <param name="CreatedAt">When it was issued or first configured.</param>
/// <param name="CreatedBy"><c>configuration</c>, or the admin who issued it.</param>
/// <param name="ExpiresAt">When it stops working (the end of a rotation's overlap); null while it has no end.</param>
/// <param name="RevokedAt">When it was revoked; null while it works.</param>
/// <param name="RevokedBy">Who revoked it: an admin, or <c>configuration</c> when it left the configuration.</param>
[GenerateSerializer, Immutable, Alias("billing.ApiKeyView")]
public sealed record ApiKeyView(
    [property: Id(0)] string Id,
    [property: Id(1)] DateTimeOffset CreatedAt,
    [property: Id(2)] string CreatedBy,
    [property: Id(3)] DateTimeOffset? ExpiresAt,
    [property: Id(4)] DateTimeOffset? RevokedAt,
    [property: Id(5)] string? RevokedBy);
