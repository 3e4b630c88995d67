using System.Net;
using OrleansBilling.Grains.Email;
using Polly;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Email;

/// <summary>Brevo's retry rules as plain decisions: which answers are tried again, and after how long.</summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class BrevoResilienceTests
{
    private static readonly TimeSpan LongestWait = BrevoRetryPolicy.Default.LongestRateLimitWait;

    private static HttpResponseMessage RateLimited(string? resetSeconds)
    {
        var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        if (resetSeconds is not null)
        {
            response.Headers.Add(BrevoResilience.RateLimitResetHeader, resetSeconds);
        }

        return response;
    }

    [Fact]
    public void The_rate_limit_reset_is_the_wait_before_the_next_attempt()
    {
        using var response = RateLimited("7");

        Assert.Equal(TimeSpan.FromSeconds(7), BrevoResilience.RateLimitReset(response));
    }

    [Fact]
    public void Without_a_rate_limit_reset_the_exponential_back_off_decides_the_wait()
    {
        using var response = RateLimited(null);
        using var serverError = new HttpResponseMessage(HttpStatusCode.InternalServerError);

        Assert.Null(BrevoResilience.RateLimitReset(response));
        Assert.Null(BrevoResilience.RateLimitReset(serverError));
    }

    [Fact]
    public void Rate_limits_within_the_time_budget_and_server_errors_are_retried()
    {
        foreach (var status in new[] { 500, 502, 503, 504 })
        {
            using var response = new HttpResponseMessage((HttpStatusCode)status);
            Assert.True(BrevoResilience.ShouldRetry(Outcome.FromResult(response), LongestWait), $"{status}");
        }

        using var rateLimited = RateLimited("10");
        Assert.True(BrevoResilience.ShouldRetry(Outcome.FromResult(rateLimited), LongestWait));
    }

    [Fact]
    public void Other_client_errors_and_successes_are_never_retried()
    {
        foreach (var status in new[] { 200, 201, 400, 401, 402, 403, 404, 408, 409, 422 })
        {
            using var response = new HttpResponseMessage((HttpStatusCode)status);
            Assert.False(BrevoResilience.ShouldRetry(Outcome.FromResult(response), LongestWait), $"{status}");
        }
    }

    [Fact]
    public void A_rate_limit_that_resets_after_the_time_budget_is_not_waited_for()
    {
        using var response = RateLimited("11");

        Assert.False(BrevoResilience.ShouldRetry(Outcome.FromResult(response), LongestWait));
    }

    [Fact]
    public void Network_errors_and_attempt_timeouts_are_retried()
    {
        Assert.True(BrevoResilience.ShouldRetry(Outcome.FromException<HttpResponseMessage>(new HttpRequestException("refused")), LongestWait));
        Assert.True(BrevoResilience.ShouldRetry(Outcome.FromException<HttpResponseMessage>(new Polly.Timeout.TimeoutRejectedException()), LongestWait));
    }
}
