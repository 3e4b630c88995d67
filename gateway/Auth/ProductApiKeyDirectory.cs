using Microsoft.Extensions.Caching.Memory;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Products;

namespace OrleansBilling.Gateway.Auth;

/// <summary>
/// Finds the product an API key acts for. Answers are cached briefly so the hot path makes no
/// extra grain call per request; a revoked key stops working within <see cref="KnownKeyLifetime"/>.
/// The cache is this directory's own and bounded, so random keys cannot grow it without limit.
/// </summary>
public sealed class ProductApiKeyDirectory(IGrainFactory grains) : IDisposable
{
    public static readonly TimeSpan KnownKeyLifetime = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan UnknownKeyLifetime = TimeSpan.FromSeconds(2);
    private const int MaxCachedKeys = 10_000;

    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = MaxCachedKeys });

    /// <summary>The product id of the key, or null for an unknown or revoked key.</summary>
    public async ValueTask<string?> FindProductAsync(string apiKey)
    {
        // Keyed by the key itself (this process holds it anyway): a hit costs no hashing.
        if (cache.TryGetValue(apiKey, out string? productId))
        {
            return productId;
        }

        productId = await grains.GetGrain<IApiKeyGrain>(BillingIds.ApiKeyKey(ApiKeys.Hash(apiKey))).GetProductId();
        cache.Set(apiKey, productId, new MemoryCacheEntryOptions
        {
            Size = 1,
            AbsoluteExpirationRelativeToNow = productId is null ? UnknownKeyLifetime : KnownKeyLifetime,
        });
        return productId;
    }

    public void Dispose() => cache.Dispose();
}
