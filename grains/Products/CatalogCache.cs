using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Products;

namespace OrleansBilling.Grains.Products;

/// <summary>
/// A grain's copy of its product's definition: asked of the product grain again after
/// <see cref="Freshness"/>, or at once when a decision must see the catalog as it is now.
/// </summary>
public sealed class CatalogCache(IGrainFactory grains, string productId, TimeProvider clock)
{
    /// <summary>How long a copy is used before the product grain is asked again.</summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(30);

    private DateTimeOffset fetchedAt;

    /// <summary>The copy, or null before the first fetch (and for a product never configured).</summary>
    public ProductDefinition? Current { get; private set; }

    /// <summary>Whether the copy is recent enough to answer without asking.</summary>
    public bool IsFresh => Current is not null && clock.GetUtcNow() - fetchedAt <= Freshness;

    /// <summary>Until when the catalog held is fresh.</summary>
    public DateTimeOffset FreshUntil => fetchedAt + Freshness;

    /// <summary>The definition; asked again when <paramref name="refresh"/> or not fresh. Answers whether it changed.</summary>
    public async Task<(ProductDefinition? Definition, bool Changed)> GetAsync(bool refresh = false)
    {
        if (!refresh && IsFresh)
        {
            return (Current, false);
        }

        var fetched = await grains.GetGrain<IProductGrain>(BillingIds.ProductKey(productId)).GetDefinition();
        var changed = fetched != Current;
        Current = fetched;
        fetchedAt = clock.GetUtcNow();
        return (fetched, changed);
    }
}
