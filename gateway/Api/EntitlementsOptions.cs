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
    public int MaxAgeSeconds
    {
        get;
        set
        {
            field = value;
            CacheControl = $"private, max-age={value}";
        }
    } = 5;

    /// <summary>The header value, made once when the option is set rather than on every request.</summary>
    internal string CacheControl { get; private set; } = "private, max-age=5";
}
