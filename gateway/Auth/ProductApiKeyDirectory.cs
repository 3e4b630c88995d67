using Microsoft.Extensions.Caching.Memory;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Products;

namespace OrleansBilling.Gateway.Auth;

/// <summary>
/// Finds the product an API key acts for. Answers are cached briefly so the hot path makes no
/// extra grain call per request; a revoked key stops working within <see cref="KnownKeyLifetime"/>.
/// </summary>
public sealed class ProductApiKeyDirectory(IGrainFactory grains, IMemoryCache cache)
{
    public static readonly TimeSpan KnownKeyLifetime = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan UnknownKeyLifetime = TimeSpan.FromSeconds(2);

    /// <summary>The product id of the key, or null for an unknown or revoked key.</summary>
    public async ValueTask<string?> FindProductAsync(string apiKey)
    {
        var hash = ApiKeys.Hash(apiKey);
        if (cache.TryGetValue(hash, out string? productId))
        {
            return productId;
        }

        productId = await grains.GetGrain<IApiKeyGrain>(BillingIds.ApiKeyKey(hash)).GetProductId();
        cache.Set(hash, productId, productId is null ? UnknownKeyLifetime : KnownKeyLifetime);
        return productId;
    }
}
