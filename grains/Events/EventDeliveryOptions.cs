namespace OrleansBilling.Grains.Events;

/// <summary>How events reach products (<c>Billing:Events</c>).</summary>
public sealed class EventDeliveryOptions
{
    public const string Section = "Billing:Events";

    /// <summary>
    /// Whether changes make events at all (on by default). Off, nothing is stored or sent: for a deployment whose products
    /// all poll, and to measure what events cost the subscription path (<c>bench/events.sh</c>).
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Endpoints may be plain HTTP (the local default only).</summary>
    public bool AllowHttp { get; set; }

    /// <summary>Endpoints may be loopback or private addresses (the local default only): otherwise refused when added and when connecting.</summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>How long one attempt may take before it counts as failed.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long an event is tried before it is given up (and its endpoint disabled, when nothing reached it meanwhile).</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromDays(3);

    /// <summary>The pause after the first failure; each further failure doubles it, give or take a fifth.</summary>
    public TimeSpan FirstRetryAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest pause between two attempts.</summary>
    public TimeSpan LongestPause { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How many of an endpoint's events are sent at once (one per customer at a time).</summary>
    public int Concurrency { get; set; } = 32;

    /// <summary>How often each silo looks for deliveries due that no endpoint grain is on (a nudge lost with a silo); zero: never.</summary>
    public TimeSpan SweepEvery { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a nudged endpoint gathers what more comes before it sends (real time): under load one pass then carries the
    /// events of many changes instead of one each.
    /// </summary>
    public TimeSpan GatherFor { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How many endpoints a product may have.</summary>
    public int MaxEndpointsPerProduct { get; set; } = 20;

    /// <summary>Why these options cannot work; empty when they can.</summary>
    public IEnumerable<string> Problems()
    {
        if (AttemptTimeout <= TimeSpan.Zero || AttemptTimeout > TimeSpan.FromMinutes(2))
        {
            yield return "AttemptTimeout is above zero and at most 2 minutes.";
        }

        if (FirstRetryAfter <= TimeSpan.Zero || LongestPause < FirstRetryAfter || RetryFor < LongestPause)
        {
            yield return "FirstRetryAfter is above zero, LongestPause at least FirstRetryAfter, RetryFor at least LongestPause.";
        }

        if (GatherFor < TimeSpan.Zero || GatherFor > TimeSpan.FromSeconds(5))
        {
            yield return "GatherFor is 0 to 5 seconds.";
        }

        if (Concurrency is < 1 or > 256 || MaxEndpointsPerProduct is < 1 or > 1000)
        {
            yield return "Concurrency is 1 to 256; MaxEndpointsPerProduct 1 to 1000.";
        }
    }
}
