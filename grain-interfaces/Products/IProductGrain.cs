using Orleans.Concurrency;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.GrainInterfaces.Products;

/// <summary>A product's catalog, dunning policy, email templates and API keys, keyed <see cref="BillingIds.ProductKey"/>.</summary>
[Alias("billing.IProductGrain")]
public interface IProductGrain : IGrainWithStringKey
{
    /// <summary>Creates or replaces the product's definition. Returns why it was refused; empty when stored.</summary>
    [Alias("Configure")]
    Task<IReadOnlyList<string>> Configure(ProductDefinition definition);

    /// <summary>Replaces the product's dunning policy; new episodes use it, running ones keep theirs. Returns why it was refused.</summary>
    [Alias("SetDunningPolicy")]
    Task<IReadOnlyList<string>> SetDunningPolicy(DunningPolicy policy);

    /// <summary>The dunning timeline a customer whose payments keep failing would follow from <paramref name="start"/>; empty for an unknown product.</summary>
    [ReadOnly, Alias("PreviewDunning")]
    Task<IReadOnlyList<DunningStepView>> PreviewDunning(DateTimeOffset start);

    /// <summary>The definition, or null for a product never configured.</summary>
    [ReadOnly, Alias("GetDefinition")]
    Task<ProductDefinition?> GetDefinition();

    /// <summary>Lets the key whose hash is given act for this product (<see cref="ApiKeys.Hash"/>). Idempotent.</summary>
    [Alias("AddApiKey")]
    Task AddApiKey(string apiKeyHash);

    /// <summary>Stops the key whose hash is given from acting for this product. Idempotent.</summary>
    [Alias("RevokeApiKey")]
    Task RevokeApiKey(string apiKeyHash);

    /// <summary>How many API keys the product has.</summary>
    [ReadOnly, Alias("CountApiKeys")]
    Task<int> CountApiKeys();
}
