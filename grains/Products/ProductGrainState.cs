using OrleansBilling.GrainInterfaces.Catalog;

namespace OrleansBilling.Grains.Products;

/// <summary>The persisted state of a product grain.</summary>
[GenerateSerializer, Alias("billing.ProductGrainState")]
public sealed class ProductGrainState
{
    [Id(0)] public ProductDefinition? Definition { get; set; }

    /// <summary>SHA-256 hashes of the product's API keys; the keys themselves are never stored.</summary>
    [Id(1)] public List<string> ApiKeyHashes { get; set; } = [];
}
