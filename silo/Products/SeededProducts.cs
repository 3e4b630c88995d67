namespace OrleansBilling.Silo.Products;

/// <summary>What the seeder put in place, for the start-up banner.</summary>
public sealed class SeededProducts
{
    /// <summary>The demo product's API key, when the demo was seeded.</summary>
    public string? DemoApiKey { get; set; }

    /// <summary>True when the demo key was generated for this run rather than configured.</summary>
    public bool DemoApiKeyGenerated { get; set; }

    public List<string> ProductIds { get; } = [];
}
