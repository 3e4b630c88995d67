namespace OrleansBilling.Grains.Stripe;

/// <summary>
/// This silo's share of the Stripe account's request rate: the account's rate (<c>Stripe:RequestsPerSecond</c>)
/// divided among the active silos, spent first come, first served. A request gets a time to go at (now, or later when
/// others came first) unless that is further away than <see cref="LongestWait"/>; a 429 from Stripe pushes every
/// request of the silo back by its <c>Retry-After</c>. Turns are spaced evenly (one time at which the next turn is free,
/// no bursts: no second ever sees more than the share) on the injected clock, so a change in the number of silos takes
/// effect at the next request and tests drive it with a fake clock; <c>System.Threading.RateLimiting</c>'s limiters
/// have neither a clock to inject nor a rate that can change.
/// </summary>
public sealed class StripeRequestBudget
{
    private readonly Lock gate = new();
    private readonly TimeProvider clock;
    private readonly Func<int> activeSilos;
    private DateTimeOffset nextAt = DateTimeOffset.MinValue;
    private DateTimeOffset pausedUntil = DateTimeOffset.MinValue;

    /// <param name="requestsPerSecond">The account's rate; null or 0 for no limit.</param>
    /// <param name="longestWait">How long a request may wait for its turn before it is refused.</param>
    /// <param name="clock">The service's clock.</param>
    /// <param name="activeSilos">How many silos share the account's rate now (at least one is assumed).</param>
    public StripeRequestBudget(double? requestsPerSecond, TimeSpan longestWait, TimeProvider clock, Func<int> activeSilos)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(requestsPerSecond ?? 0, nameof(requestsPerSecond));
        RequestsPerSecond = requestsPerSecond is > 0 ? requestsPerSecond : null;
        LongestWait = longestWait;
        this.clock = clock;
        this.activeSilos = activeSilos;
    }

    /// <summary>The account's rate; null when unlimited.</summary>
    public double? RequestsPerSecond { get; }

    /// <summary>How long a request may wait for its turn.</summary>
    public TimeSpan LongestWait { get; }

    /// <summary>This silo's share now; null when unlimited (and then the membership is not asked).</summary>
    public double? Share => RequestsPerSecond is { } rate ? rate / Math.Max(1, activeSilos()) : null;

    /// <summary>
    /// Takes a turn: how long to wait before sending (zero: now), or null when the turn would come later than
    /// <see cref="LongestWait"/>, and then nothing is taken. A 429 that comes while a request waits for its turn holds
    /// it back further (<see cref="PausedFor"/>).
    /// </summary>
    public TimeSpan? Take()
    {
        var now = clock.GetUtcNow();
        var share = Share;
        lock (gate)
        {
            if (share is null)
            {
                var paused = PausedAt(now);
                return paused <= LongestWait ? paused : null;
            }

            var interval = TimeSpan.FromSeconds(1 / share.Value);
            var at = Max(now, Max(nextAt, pausedUntil));
            if (at - now > LongestWait)
            {
                return null;
            }

            nextAt = at + interval;
            return at - now;
        }
    }

    /// <summary>How long requests are still held back by a 429; zero when they are not.</summary>
    public TimeSpan PausedFor()
    {
        var now = clock.GetUtcNow();
        lock (gate)
        {
            return PausedAt(now);
        }
    }

    private TimeSpan PausedAt(DateTimeOffset now) => pausedUntil > now ? pausedUntil - now : TimeSpan.Zero;

    /// <summary>Stripe answered 429: no request of this silo goes before <paramref name="retryAfter"/> has passed.</summary>
    public void Pause(TimeSpan retryAfter)
    {
        var until = clock.GetUtcNow() + retryAfter;
        lock (gate)
        {
            pausedUntil = Max(pausedUntil, until);
        }
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
