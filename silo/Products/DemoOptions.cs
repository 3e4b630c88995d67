namespace OrleansBilling.Silo.Products;

/// <summary>The demo product of the local default (<c>Billing:Demo</c>).</summary>
public sealed class DemoOptions
{
    /// <summary>Seed the demo product. Defaults to on without a database and off with one.</summary>
    public bool? Enabled { get; set; }

    /// <summary>The demo product's API key; generated (and printed) when unset.</summary>
    public string? ApiKey { get; set; }
}
