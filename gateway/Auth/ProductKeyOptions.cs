using System.ComponentModel.DataAnnotations;

namespace OrleansBilling.Gateway.Auth;

/// <summary>How long the gateway trusts what it learnt of a product key (<c>Billing:ApiKeys</c>).</summary>
public sealed class ProductKeyOptions
{
    public const string Section = "Billing:ApiKeys";

    /// <summary>
    /// Seconds a known key's product is cached: the hot path then makes no grain call, and a revoked
    /// or expired key stops working within this time.
    /// </summary>
    [Range(0, 300)]
    public int CacheSeconds { get; set; } = 30;
}
