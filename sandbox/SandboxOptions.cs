namespace OrleansBilling.Sandbox;

/// <summary>How the Stripe sandbox signs and delivers its events and which prices it knows.</summary>
public sealed class SandboxOptions
{
    /// <summary>The <c>whsec_…</c> secret every event is signed with; the service verifies with the same one.</summary>
    public string WebhookSecret { get; set; } = "";

    /// <summary>
    /// Where events are POSTed. When null, this process's own first server address with
    /// <c>/webhooks/stripe</c> appended (a wildcard host becomes 127.0.0.1).
    /// </summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>
    /// True to answer an API call only after the events it caused were delivered (or queued for retry), so
    /// tests of the sandbox alone can assert on their receiver at once. False (the default) answers first
    /// and delivers after, as Stripe does: a receiver that waits on the caller would otherwise hold the call
    /// until the delivery times out (the service's subscription grain awaits Stripe's answer while the
    /// webhook awaits the grain).
    /// </summary>
    public bool DeliverBeforeAnswering { get; set; }

    /// <summary>
    /// Stripe's rate limit to enforce from the start: API calls allowed in each second of the sandbox clock (Stripe
    /// allows about 100 a second in live mode, 25 in test mode); beyond, 429. Null (the default) enforces none.
    /// </summary>
    public int? RequestsPerSecond { get; set; }

    /// <summary>The prices the sandbox knows: the service's catalog.</summary>
    public List<SandboxPrice> Prices { get; } = [];
}
