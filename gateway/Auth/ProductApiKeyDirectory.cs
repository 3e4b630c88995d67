using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Products;

namespace OrleansBilling.Gateway.Auth;

/// <summary>
/// Finds the product an API key acts for. Answers are cached briefly so the hot path makes no
/// extra grain call per request; a revoked key stops working within <see cref="ProductKeyOptions.CacheSeconds"/>.
/// The cache is this directory's own and bounded, so random keys cannot grow it without limit.
/// </summary>
public sealed class ProductApiKeyDirectory(IGrainFactory grains, IOptions<ProductKeyOptions> options) : IDisposable
{
    private static readonly TimeSpan UnknownKeyLifetime = TimeSpan.FromSeconds(2);
    private readonly TimeSpan knownKeyLifetime = TimeSpan.FromSeconds(options.Value.CacheSeconds);
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
        var lifetime = productId is null ? UnknownKeyLifetime : knownKeyLifetime;
        if (lifetime > TimeSpan.Zero)
        {
            cache.Set(apiKey, productId, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = lifetime });
        }

        return productId;
    }

    public void Dispose() => cache.Dispose();
}
