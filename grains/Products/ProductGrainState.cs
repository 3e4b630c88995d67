using OrleansBilling.GrainInterfaces.Catalog;

namespace OrleansBilling.Grains.Products;

/// <summary>The persisted state of a product grain.</summary>
[GenerateSerializer, Alias("billing.ProductGrainState")]
public sealed class ProductGrainState
{
    /// <summary>The catalog, with the dunning policy in force.</summary>
    [Id(0)] public ProductDefinition? Definition { get; set; }

    /// <summary>The product's API keys, working and revoked; the keys themselves are never stored.</summary>
    [Id(2)] public List<ApiKeyRecord> ApiKeys { get; set; } = [];

    /// <summary>Every version of the dunning policy, oldest first; the last is in force.</summary>
    [Id(3)] public List<DunningPolicyVersion> DunningPolicies { get; set; } = [];

    /// <summary>The dunning policy configuration declared last: an admin's later policy stands until this changes.</summary>
    [Id(4)] public DunningPolicy? ConfiguredDunning { get; set; }

    /// <summary>The provider's billing-portal configuration made for <see cref="PortalFingerprint"/>, once made.</summary>
    [Id(5)] public string? PortalConfigurationId { get; set; }

    /// <summary>What the portal configuration was made to offer (<c>PortalConfigurationRequest.Fingerprint</c>).</summary>
    [Id(6)] public string? PortalFingerprint { get; set; }
}
