using System.Globalization;
using System.Security.Cryptography;

namespace OrleansBilling.Sandbox;

/// <summary>
/// What the Brevo emulator received, and how to make it fail: the C# side of <c>GET /sandbox/emails</c>,
/// <c>DELETE /sandbox/emails</c> and <c>POST /sandbox/brevo/fail</c>.
/// </summary>
public sealed class SandboxMailbox
{
    /// <summary>How long an idempotency key names its email: the short end of Brevo's documented 15–30 minutes.</summary>
    public static TimeSpan IdempotencyWindow { get; } = TimeSpan.FromMinutes(15);

    private const int Kept = 10_000;

    private readonly Lock gate = new();
    private readonly SandboxClock clock;
    private readonly List<SandboxEmail> emails = [];
    private readonly List<SandboxBrevoCall> calls = [];
    private readonly Dictionary<string, (string MessageId, DateTimeOffset Until)> idempotencyKeys = [];
    private int failuresLeft;
    private int failureStatus;
    private int failureResetSeconds;

    internal SandboxMailbox(SandboxClock clock)
    {
        this.clock = clock;
    }

    /// <summary>Every email received, oldest first.</summary>
    public IReadOnlyList<SandboxEmail> Emails
    {
        get
        {
            lock (gate)
            {
                return [.. emails];
            }
        }
    }

    /// <summary>Every call to the send endpoint, oldest first, failures and replays included.</summary>
    public IReadOnlyList<SandboxBrevoCall> Calls
    {
        get
        {
            lock (gate)
            {
                return [.. calls];
            }
        }
    }

    /// <summary>The emails to one address, oldest first.</summary>
    public IReadOnlyList<SandboxEmail> To(string email) =>
        [.. Emails.Where(e => e.To.Any(to => string.Equals(to.Email, email, StringComparison.OrdinalIgnoreCase)))];

    /// <summary>
    /// Empties the mailbox and the call log. Idempotency keys are Brevo's memory, not the mailbox's:
    /// a key sent again within its window still names its (now cleared) email.
    /// </summary>
    public void Clear()
    {
        lock (gate)
        {
            emails.Clear();
            calls.Clear();
        }
    }

    /// <summary>
    /// Answers the next <paramref name="count"/> send calls with <paramref name="status"/> (429 or 5xx)
    /// instead of sending; a 429 names <paramref name="resetSeconds"/> in <c>x-sib-ratelimit-reset</c>.
    /// Replaces any failures still planned; a count of 0 cancels them.
    /// </summary>
    public void FailNext(int count, int status = 500, int resetSeconds = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(resetSeconds);
        if (status != 429 && status is < 500 or > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "The emulator fails with 429 or a 5xx status.");
        }

        lock (gate)
        {
            failuresLeft = count;
            failureStatus = status;
            failureResetSeconds = resetSeconds;
        }
    }

    internal DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>The planned failure this call gets, if one is left.</summary>
    internal (int Status, int ResetSeconds)? TakeFailure()
    {
        lock (gate)
        {
            if (failuresLeft == 0)
            {
                return null;
            }

            failuresLeft--;
            return (failureStatus, failureResetSeconds);
        }
    }

    /// <summary>Delivers an email, unless its idempotency key already named one within the window.</summary>
    /// <param name="email">The email with an empty <see cref="SandboxEmail.MessageId"/>, which this fills.</param>
    internal (string MessageId, bool Replayed) Deliver(SandboxEmail email)
    {
        lock (gate)
        {
            var now = email.ReceivedAt;
            foreach (var expired in idempotencyKeys.Where(k => k.Value.Until <= now).Select(k => k.Key).ToList())
            {
                idempotencyKeys.Remove(expired);
            }

            if (email.IdempotencyKey is { } key && idempotencyKeys.TryGetValue(key, out var earlier))
            {
                return (earlier.MessageId, true);
            }

            var messageId = string.Create(CultureInfo.InvariantCulture, $"<{now:yyyyMMddHHmmss}.{RandomNumberGenerator.GetInt32(100_000_000, 1_000_000_000)}@sandbox>");
            emails.Add(email with { MessageId = messageId });
            if (emails.Count > Kept)
            {
                emails.RemoveAt(0);
            }

            if (email.IdempotencyKey is { } newKey)
            {
                idempotencyKeys[newKey] = (messageId, now + IdempotencyWindow);
            }

            return (messageId, false);
        }
    }

    internal void Record(SandboxBrevoCall call)
    {
        lock (gate)
        {
            calls.Add(call);
            if (calls.Count > Kept)
            {
                calls.RemoveAt(0);
            }
        }
    }
}
