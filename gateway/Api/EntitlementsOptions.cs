using System.ComponentModel.DataAnnotations;

namespace OrleansBilling.Gateway.Api;

/// <summary>How products may cache entitlements (<c>Billing:Entitlements</c>).</summary>
public sealed class EntitlementsOptions
{
    public const string Section = "Billing:Entitlements";

    /// <summary>
    /// <c>Cache-Control: private, max-age</c> of an entitlements answer, in seconds. Short, so a
    /// product sees a change soon; with <c>If-None-Match</c> a recheck costs a 304 and no body.
    /// </summary>
    [Range(0, 3600)]
    public int MaxAgeSeconds { get; set; } = 5;
}
