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

    /// <summary>
    /// The account's API request rate the whole cluster stays under (each silo takes an equal share of it): Stripe
    /// allows about 100 a second in live mode and 25 in test mode, and answers 429 beyond. Unset, 90 for a live key
    /// and 20 for a test key (room for the dashboard and other tools on the same account), no limit with the local
    /// sandbox; 0 for no limit.
    /// </summary>
    public double? RequestsPerSecond { get; set; }

    /// <summary>How long a request may wait for its turn (and for a 429's <c>Retry-After</c>) before it fails as transient.</summary>
    public TimeSpan LongestRateLimitWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The rate in force: <see cref="RequestsPerSecond"/>, or the default for the key; null for no limit.</summary>
    public double? EffectiveRequestsPerSecond(bool sandbox) => RequestsPerSecond switch
    {
        { } configured => configured > 0 ? configured : null,
        null when sandbox => null,
        null when ApiKey is { } key && (key.StartsWith("sk_live_", StringComparison.Ordinal) || key.StartsWith("rk_live_", StringComparison.Ordinal)) => 90,
        null => 20,
    };
}
