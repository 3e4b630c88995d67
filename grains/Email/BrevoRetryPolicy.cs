namespace OrleansBilling.Grains.Email;

/// <summary>How hard the Brevo client tries before it gives up with a transient <see cref="EmailSendException"/>.</summary>
/// <param name="MaxAttempts">Attempts in all, the first included.</param>
/// <param name="FirstRetryDelay">The first back-off; it doubles (with jitter) for each later attempt.</param>
/// <param name="AttemptTimeout">How long one attempt may take.</param>
/// <param name="TotalTimeout">How long a send may take, retries and waits included.</param>
public sealed record BrevoRetryPolicy(int MaxAttempts, TimeSpan FirstRetryDelay, TimeSpan AttemptTimeout, TimeSpan TotalTimeout)
{
    /// <summary>
    /// Four attempts within 15 s, each at most 5 s: a send ends well inside Orleans' 30 s grain-call
    /// timeout, so the calling grain learns of the failure itself and can try again later.
    /// </summary>
    public static BrevoRetryPolicy Default { get; } = new(4, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15));

    /// <summary>
    /// The longest rate-limit reset worth waiting for: one that still leaves time for the attempt after
    /// it. A longer one fails the send at once; the caller tries again later.
    /// </summary>
    public TimeSpan LongestRateLimitWait => TotalTimeout - AttemptTimeout;
}
