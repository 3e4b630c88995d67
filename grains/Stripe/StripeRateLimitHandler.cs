using System.Net;
using OrleansBilling.Grains.Telemetry;

namespace OrleansBilling.Grains.Stripe;

/// <summary>
/// Keeps the Stripe HttpClient under the account's rate limit: each request waits for its turn in the
/// <see cref="StripeRequestBudget"/>, or fails at once with <see cref="StripeBudgetSpentException"/> when its turn is
/// further away than a caller may wait. A 429 (Stripe.net does not retry one) pauses every request of the silo for its
/// <c>Retry-After</c> (1 s, 2 s, 4 s … without one; at least half a second; the pause at most the longest wait) and is
/// tried again, up to five tries, while the waits together stay within the budget's longest wait; after that the 429
/// reaches Stripe.net, which reports it as a transient failure. A retried
/// POST carries the same idempotency key, so Stripe runs it once. The v2 meter event stream has its own, far higher
/// limit at Stripe and does not take turns here.
/// </summary>
public sealed class StripeRateLimitHandler(StripeRequestBudget budget, BillingMetrics metrics, TimeProvider clock) : DelegatingHandler
{
    private const string MeterEventStreamPath = "/v2/billing/meter_event_stream";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri?.AbsolutePath.EndsWith(MeterEventStreamPath, StringComparison.Ordinal) == true)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var waited = TimeSpan.Zero;
        for (var attempt = 1; ; attempt++)
        {
            var turn = budget.Take() ?? throw Spent();
            while (turn > TimeSpan.Zero)
            {
                if (waited + turn > budget.LongestWait)
                {
                    throw Spent();
                }

                await Task.Delay(turn, clock, cancellationToken);
                waited += turn;

                // A 429 that came while this request waited for its turn holds it back too.
                turn = budget.PausedFor();
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.TooManyRequests)
            {
                return response;
            }

            metrics.StripeThrottled("stripe");
            var retryAfter = Max(RetryAfter(response, clock.GetUtcNow()) ?? TimeSpan.FromSeconds(Math.Pow(2, attempt - 1)), ShortestRetryWait);
            budget.Pause(retryAfter < budget.LongestWait ? retryAfter : budget.LongestWait);
            if (attempt == MostAttempts || waited + retryAfter > budget.LongestWait)
            {
                return response;
            }

            response.Dispose();
        }
    }

    /// <summary>A 429 is tried again this many times at most, and never sooner than <see cref="ShortestRetryWait"/>.</summary>
    private const int MostAttempts = 5;

    private static readonly TimeSpan ShortestRetryWait = TimeSpan.FromMilliseconds(500);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private StripeBudgetSpentException Spent()
    {
        metrics.StripeThrottled("budget");
        return new StripeBudgetSpentException(budget.LongestWait);
    }

    /// <summary>The wait a 429 names in <c>Retry-After</c> (seconds or a date); null when it names none.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } when delta >= TimeSpan.Zero => delta,
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };
}

/// <summary>This silo's share of Stripe's request rate is spent for longer than a caller may wait: try again later.</summary>
public sealed class StripeBudgetSpentException(TimeSpan longestWait)
    : Exception($"Stripe's request rate for this service is spent for more than {longestWait.TotalSeconds:0.#} s; try again later.");
