namespace OrleansBilling.Sandbox.Api;

/// <summary>
/// Stripe's request rate limit, when the sandbox is told to enforce one: at most so many API calls in each second
/// of the sandbox clock; a call beyond is answered 429 (<c>rate_limit</c>) with a <c>Retry-After</c> naming the
/// seconds to the next one, and does nothing. Off unless set (<see cref="SandboxOptions.RequestsPerSecond"/> or
/// <see cref="SandboxControl.LimitRequests"/>).
/// </summary>
internal sealed class SandboxRateLimit(SandboxClock clock)
{
    private readonly Lock gate = new();
    private int? limit;
    private long second;
    private int taken;
    private long refused;
    private long admitted;

    public SandboxRateLimitStatus Status
    {
        get
        {
            lock (gate)
            {
                return new SandboxRateLimitStatus(limit, refused, admitted);
            }
        }
    }

    public void Set(int? requestsPerSecond)
    {
        if (requestsPerSecond is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(requestsPerSecond), requestsPerSecond, "A rate limit allows at least one request a second.");
        }

        lock (gate)
        {
            limit = requestsPerSecond;
            taken = 0;
        }
    }

    /// <summary>Null when the call may run (and counts it), else how long until the next second's allowance.</summary>
    public TimeSpan? Admit()
    {
        var now = clock.GetUtcNow();
        var unix = now.ToUnixTimeMilliseconds();
        lock (gate)
        {
            if (limit is not { } most)
            {
                admitted++;
                return null;
            }

            var current = Math.DivRem(unix, 1000, out var millisecond);
            if (current != second)
            {
                second = current;
                taken = 0;
            }

            if (taken < most)
            {
                taken++;
                admitted++;
                return null;
            }

            refused++;
            return TimeSpan.FromMilliseconds(1000 - millisecond);
        }
    }
}
