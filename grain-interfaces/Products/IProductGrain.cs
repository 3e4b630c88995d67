using Orleans.Concurrency;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.GrainInterfaces.Products;

/// <summary>
/// A product's catalog, dunning policy, email templates and API keys, keyed <see cref="BillingIds.ProductKey"/>.
/// Configuration declares a product at every start; what an admin changed through the API since is
/// kept: a dunning policy set by an admin wins over the configured one until the configuration's
/// own policy changes (a deliberate edit, and the newer decision), and keys issued by an admin are
/// not touched by configuration.
/// </summary>
[Alias("billing.IProductGrain")]
public interface IProductGrain : IGrainWithStringKey
{
    /// <summary>The product as configuration declares it. Returns why it was refused; empty when stored.</summary>
    [Alias("Configure")]
    Task<IReadOnlyList<string>> Configure(ProductDefinition definition);

    /// <summary>Replaces the dunning policy as a new version; new episodes use it, running ones keep theirs. Returns why it was refused.</summary>
    [Alias("SetDunningPolicy")]
    Task<IReadOnlyList<string>> SetDunningPolicy(DunningPolicy policy, string actor);

    /// <summary>Every version of the dunning policy, newest (the one in force) first; empty for an unknown product.</summary>
    [ReadOnly, Alias("GetDunningPolicies")]
    Task<IReadOnlyList<DunningPolicyVersion>> GetDunningPolicies();

    /// <summary>The dunning timeline a customer whose payments keep failing would follow from <paramref name="start"/>; empty for an unknown product.</summary>
    [ReadOnly, Alias("PreviewDunning")]
    Task<IReadOnlyList<DunningStepView>> PreviewDunning(DateTimeOffset start);

    /// <summary>The provider's billing-portal configuration made to offer what <paramref name="fingerprint"/> says, or null when none is.</summary>
    [ReadOnly, Alias("GetPortalConfiguration")]
    Task<string?> GetPortalConfiguration(string fingerprint);

    /// <summary>Remembers the portal configuration made for <paramref name="fingerprint"/>: the product's portal sessions use it from now on.</summary>
    [Alias("SetPortalConfiguration")]
    Task SetPortalConfiguration(string fingerprint, string configurationId);

    /// <summary>The definition, or null for a product never configured.</summary>
    [ReadOnly, Alias("GetDefinition")]
    Task<ProductDefinition?> GetDefinition();

    /// <summary>
    /// The API keys configuration declares (<see cref="ApiKeys.Hash"/>): new ones start working, and a
    /// configured key no longer declared is revoked. Keys an admin issued are left as they are.
    /// Throws when a key already belongs to another product.
    /// </summary>
    [Alias("SetConfiguredApiKeys")]
    Task SetConfiguredApiKeys(IReadOnlyList<string> apiKeyHashes);

    /// <summary>Issues a new key; the answer is the only place the key ever appears.</summary>
    [Alias("IssueApiKey")]
    Task<IssuedApiKey> IssueApiKey(string actor);

    /// <summary>
    /// Issues a key to replace <paramref name="keyId"/>, which keeps working for <paramref name="overlap"/>
    /// so the product can switch without downtime; null when no such key works.
    /// </summary>
    [Alias("RotateApiKey")]
    Task<IssuedApiKey?> RotateApiKey(string keyId, TimeSpan overlap, string actor);

    /// <summary>Stops <paramref name="keyId"/> now; false when no such key works.</summary>
    [Alias("RevokeApiKey")]
    Task<bool> RevokeApiKey(string keyId, string actor);

    /// <summary>The product's keys, working and revoked, newest first: never the keys themselves.</summary>
    [ReadOnly, Alias("ListApiKeys")]
    Task<IReadOnlyList<ApiKeyView>> ListApiKeys();
}
