namespace OrleansBilling.Silo.Payments;

/// <summary>How the silo reaches Stripe (<c>Stripe</c> section; the webhook secret is the gateway's).</summary>
public sealed class StripeOptions
{
    public const string Section = "Stripe";

    /// <summary>The secret API key (<c>sk_live_…</c>, <c>sk_test_…</c>). Never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Another API base URL (the sandbox, a recording proxy); Stripe's own when unset.</summary>
    public string? ApiBase { get; set; }

    /// <summary>
    /// Another base URL for the meter event stream. Unset, it follows <see cref="ApiBase"/> when that is set
    /// (the stream's session token comes from there), else it is Stripe's.
    /// </summary>
    public string? MeterEventsBase { get; set; }
}
