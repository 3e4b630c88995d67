using OrleansBilling.Grains.Email;

namespace OrleansBilling.Silo.Email;

/// <summary>How the silo reaches Brevo for lifecycle email (<c>Brevo</c> section).</summary>
public sealed class BrevoOptions
{
    public const string Section = "Brevo";
    public const string DefaultBaseUrl = "https://api.brevo.com/v3/";

    /// <summary>The API key (<c>xkeysib-…</c>). Never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Brevo's API base, ending in <c>/v3/</c>; unset: the sandbox's with the sandbox, else <see cref="DefaultBaseUrl"/>.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Attempts per send, the first included.</summary>
    public int MaxAttempts { get; set; } = BrevoRetryPolicy.Default.MaxAttempts;

    /// <summary>The first back-off between attempts; it doubles (with jitter) each time.</summary>
    public TimeSpan RetryDelay { get; set; } = BrevoRetryPolicy.Default.FirstRetryDelay;

    /// <summary>How long one attempt may take.</summary>
    public TimeSpan AttemptTimeout { get; set; } = BrevoRetryPolicy.Default.AttemptTimeout;

    /// <summary>How long a send may take in all: under Orleans' 30 s grain-call timeout.</summary>
    public TimeSpan TotalTimeout { get; set; } = BrevoRetryPolicy.Default.TotalTimeout;

    public BrevoRetryPolicy RetryPolicy => new(MaxAttempts, RetryDelay, AttemptTimeout, TotalTimeout);
}
