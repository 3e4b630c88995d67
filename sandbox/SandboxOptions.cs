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

    /// <summary>The prices the sandbox knows: the service's catalog.</summary>
    public List<SandboxPrice> Prices { get; } = [];
}
