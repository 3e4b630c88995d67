using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using OrleansBilling.Gateway.Problems;

namespace OrleansBilling.Gateway.Auth;

/// <summary>
/// A client's allowance of failed authentications (an unknown product key, a wrong admin key, a
/// webhook whose signature does not verify): a token bucket per remote address, from .NET's rate
/// limiting. Past it, the client hears 429 with <c>Retry-After</c> instead of 401 or 400, and a
/// webhook body is not even read. Requests that authenticate never touch it.
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

    /// <summary>Whether the client has no failures left: it is refused before anything is checked.</summary>
    public bool Exhausted(HttpContext http) => limiter.GetStatistics(ClientOf(http))?.CurrentAvailablePermits == 0;

    /// <summary>Counts one failure of the client; false when its allowance was already used up.</summary>
    public bool Count(HttpContext http)
    {
        using var lease = limiter.AttemptAcquire(ClientOf(http));
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

    private static string ClientOf(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
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
