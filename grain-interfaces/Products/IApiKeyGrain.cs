using Orleans.Concurrency;

namespace OrleansBilling.GrainInterfaces.Products;

/// <summary>Which product an API key belongs to, keyed <see cref="BillingIds.ApiKeyKey"/> of the key's hash.</summary>
[Alias("billing.IApiKeyGrain")]
public interface IApiKeyGrain : IGrainWithStringKey
{
    /// <summary>The product the key acts for, or null for an unknown, revoked or expired key.</summary>
    [ReadOnly, Alias("GetProductId")]
    Task<string?> GetProductId();

    /// <summary>Binds the key to a product until <paramref name="expiresAt"/> (for good when null). A key bound to another product is refused (returns false).</summary>
    [Alias("Bind")]
    Task<bool> Bind(string productId, DateTimeOffset? expiresAt);

    /// <summary>Unbinds the key from the product, if it is bound to it.</summary>
    [Alias("Revoke")]
    Task Revoke(string productId);
}
