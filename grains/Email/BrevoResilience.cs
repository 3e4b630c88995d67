using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace OrleansBilling.Grains.Email;

/// <summary>
/// Brevo's retry rules on the typed client's handler: 429 and 5xx, dropped connections and attempt
/// timeouts are retried with exponential back-off, a 429 after the <c>x-sib-ratelimit-reset</c> it
/// names; no other 4xx is ever retried. Safe for a POST because every send carries an idempotency key.
/// </summary>
public static class BrevoResilience
{
    public const string RateLimitResetHeader = "x-sib-ratelimit-reset";

    /// <summary>Adds the pipeline: total timeout, then retries, then a timeout per attempt.</summary>
    public static IHttpClientBuilder AddBrevoResilience(this IHttpClientBuilder builder, Func<IServiceProvider, BrevoRetryPolicy> policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        builder.AddResilienceHandler("brevo", (pipeline, context) => Configure(pipeline, policy(context.ServiceProvider)));
        return builder;
    }

    internal static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, BrevoRetryPolicy policy) =>
        pipeline
            .AddTimeout(policy.TotalTimeout)
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = policy.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = policy.FirstRetryDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, policy.LongestRateLimitWait)),
                DelayGenerator = args => ValueTask.FromResult(RateLimitReset(args.Outcome.Result)),
            })
            .AddTimeout(policy.AttemptTimeout);

    /// <summary>Whether another attempt may succeed where this one failed.</summary>
    internal static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, TimeSpan longestRateLimitWait) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result.StatusCode: HttpStatusCode.TooManyRequests } => RateLimitReset(outcome.Result) is not { } reset || reset <= longestRateLimitWait,
        { Result.StatusCode: >= HttpStatusCode.InternalServerError } => true,
        _ => false,
    };

    /// <summary>The wait a 429 names in <c>x-sib-ratelimit-reset</c> (seconds); null leaves the back-off to decide.</summary>
    internal static TimeSpan? RateLimitReset(HttpResponseMessage? response) =>
        response is { StatusCode: HttpStatusCode.TooManyRequests }
            && response.Headers.TryGetValues(RateLimitResetHeader, out var values)
            && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            && seconds >= 0
                ? TimeSpan.FromSeconds(seconds)
                : null;
}
