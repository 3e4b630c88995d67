using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using OrleansBilling.Gateway.Problems;

namespace OrleansBilling.Gateway.Auth;

/// <summary>
/// A client's allowance of failed authentications, a token bucket per remote address (an IPv6 client
/// by its /64, which one host usually holds whole) and per surface, from .NET's rate limiting:
/// <see cref="Surface.Keys"/> counts wrong product and admin keys, and a client past its allowance
/// hears 429 with <c>Retry-After</c> before any key it sends is checked, so guessing learns nothing
/// more; <see cref="Surface.Webhook"/> counts webhooks whose signature does not verify, and an event
/// Stripe signed is received whatever the allowance (the signature is checked first). Requests that
/// authenticate never use the allowance up.
/// </summary>
public sealed class FailedAttempts : IDisposable
{
    private readonly PartitionedRateLimiter<string> limiter;
    private readonly int retryAfterSeconds;

    public FailedAttempts(IOptions<FailedAttemptOptions> options)
    {
        var o = options.Value;
        retryAfterSeconds = o.PeriodSeconds;
        limiter = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetTokenBucketLimiter(client, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = o.Burst,
            TokensPerPeriod = o.Refill,
            ReplenishmentPeriod = TimeSpan.FromSeconds(o.PeriodSeconds),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>Where failures are counted apart.</summary>
    public enum Surface
    {
        /// <summary>Product and admin keys.</summary>
        Keys,

        /// <summary>Stripe's webhook.</summary>
        Webhook,
    }

    /// <summary>Whether the client has no failures left on the surface.</summary>
    public bool Exhausted(HttpContext http, Surface surface) => limiter.GetStatistics(PartitionOf(http, surface))?.CurrentAvailablePermits == 0;

    /// <summary>Counts one failure of the client on the surface; false when its allowance was already used up.</summary>
    public bool Count(HttpContext http, Surface surface)
    {
        using var lease = limiter.AttemptAcquire(PartitionOf(http, surface));
        return lease.IsAcquired;
    }

    /// <summary>The 429 problem for a client past its allowance.</summary>
    public IResult TooMany(HttpContext http)
    {
        http.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return Results.Problem(
            type: ProblemTypes.TooManyRequests,
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many failed attempts",
            detail: "This client failed to authenticate too often; try again after Retry-After.");
    }

    public void Dispose() => limiter.Dispose();

    /// <summary>The client an address stands for: an IPv4 address (also one mapped into IPv6) itself, an IPv6 address its /64.</summary>
    public static string ClientOf(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private static string PartitionOf(HttpContext http, Surface surface) => $"{surface}:{ClientOf(http.Connection.RemoteIpAddress)}";
}

/// <summary>Each client's allowance of failed authentications (<c>Billing:FailedAttempts</c>).</summary>
public sealed class FailedAttemptOptions
{
    public const string Section = "Billing:FailedAttempts";

    /// <summary>Failures a client may make at once.</summary>
    [Range(1, 100_000)]
    public int Burst { get; set; } = 100;

    /// <summary>Failures given back to the client each period.</summary>
    [Range(1, 100_000)]
    public int Refill { get; set; } = 20;

    /// <summary>The period's length in seconds; also the 429's Retry-After.</summary>
    [Range(1, 86_400)]
    public int PeriodSeconds { get; set; } = 1;
}
