using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OrleansBilling.Grains.Payments;
using OrleansBilling.Grains.Stripe;
using OrleansBilling.Grains.Telemetry;
using OrleansBilling.Tests.Infrastructure;
using Stripe;
using Xunit;

namespace OrleansBilling.Tests.Sandbox;

/// <summary>
/// Stripe's rate limit as the sandbox enforces it (429 with <c>Retry-After</c>), and the service's client under it:
/// Stripe.net with <see cref="StripeRateLimitHandler"/>, over HTTP.
/// </summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class RateLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Calls_beyond_the_sandbox_rate_are_answered_429_with_Retry_After_and_change_nothing()
    {
        // The sandbox clock held still half-way through a second: every call below falls in that second until it moves.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, 500, TimeSpan.Zero));
        await using var sandbox = await SandboxHost.StartAsync(options => options.RequestsPerSecond = 3, time);

        async Task<(HttpStatusCode Status, string? RetryAfter, string Body, bool Replayed)> Create(int i)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/sandbox/stripe/v1/customers")
            {
                Content = new FormUrlEncodedContent([new("description", $"rate {i}")]),
            };
            request.Headers.Authorization = new("Bearer", SandboxHost.TestKey);
            request.Headers.Add("Idempotency-Key", $"rate-limit-{i}");
            using var response = await sandbox.Http.SendAsync(request, Ct);
            return (response.StatusCode, response.Headers.RetryAfter?.ToString(), await response.Content.ReadAsStringAsync(Ct), response.Headers.Contains("Idempotent-Replayed"));
        }

        var statuses = new List<(HttpStatusCode Status, string? RetryAfter, string Body, bool Replayed)>();
        for (var i = 0; i < 8; i++)
        {
            statuses.Add(await Create(i));
        }

        // The next second allows three more.
        time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 8; i < 12; i++)
        {
            statuses.Add(await Create(i));
        }

        Assert.Equal(
            [.. Enumerable.Repeat(HttpStatusCode.OK, 3), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 5), .. Enumerable.Repeat(HttpStatusCode.OK, 3), HttpStatusCode.TooManyRequests],
            statuses.Select(s => s.Status));
        var refused = statuses.Where(s => s.Status == HttpStatusCode.TooManyRequests).ToList();
        Assert.All(refused, s =>
        {
            Assert.Equal("1", s.RetryAfter);
            Assert.Equal("rate_limit", JsonNode.Parse(s.Body)!["error"]!["code"]!.GetValue<string>());
        });
        Assert.Equal((6, 6), (sandbox.Control.RateLimit.Refused, sandbox.Control.RateLimit.Admitted));

        // Sent again with the same idempotency keys: a refused call did not run, so it runs now; the others replay.
        sandbox.Control.LimitRequests(null);
        for (var i = 0; i < statuses.Count; i++)
        {
            var again = await Create(i);
            Assert.Equal(HttpStatusCode.OK, again.Status);
            Assert.Equal(statuses[i].Status == HttpStatusCode.OK, again.Replayed);
        }
    }

    [Fact]
    public async Task The_limit_is_set_and_lifted_over_the_control_endpoint_and_a_bad_body_is_refused()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        Assert.Null(sandbox.Control.RateLimit.RequestsPerSecond);

        Assert.Equal(HttpStatusCode.OK, await sandbox.PostJsonAsync("/sandbox/rate-limit", """{"requests_per_second": 100}"""));
        Assert.Equal(100, sandbox.Control.RateLimit.RequestsPerSecond);
        foreach (var bad in new[] { "{}", """{"requests_per_second": 0}""", """{"requests_per_second": "many"}""", "[1]" })
        {
            Assert.Equal(HttpStatusCode.BadRequest, await sandbox.PostJsonAsync("/sandbox/rate-limit", bad));
        }

        Assert.Equal(100, sandbox.Control.RateLimit.RequestsPerSecond);
        Assert.Equal(HttpStatusCode.OK, await sandbox.PostJsonAsync("/sandbox/rate-limit", """{"requests_per_second": null}"""));
        Assert.Null(sandbox.Control.RateLimit.RequestsPerSecond);
    }

    [Fact]
    public async Task The_client_retries_each_429_after_its_Retry_After_until_every_call_is_answered()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, 500, TimeSpan.Zero));
        await using var sandbox = await SandboxHost.StartAsync(time: time);
        var customer = await sandbox.Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Description = "rate" }, cancellationToken: Ct);
        sandbox.Control.LimitRequests(4);
        using var metrics = new ThrottleCounts();

        // No rate of its own: the client learns the limit only from Stripe's 429s, and waits on the sandbox's clock.
        var budget = new StripeRequestBudget(null, TimeSpan.FromSeconds(15), sandbox.Clock, () => 1);
        var client = sandbox.NewStripeClient(SandboxHost.TestKey, handler: new StripeRateLimitHandler(budget, metrics.Metrics, sandbox.Clock));

        var calls = Task.WhenAll(Enumerable.Range(0, 12).Select(_ => client.V1.Customers.GetAsync(customer.Id, cancellationToken: Ct)));

        // All twelve arrive in the same second of the held clock: four pass, eight are refused.
        await Poll.UntilAsync(() => sandbox.Control.RateLimit.Refused + sandbox.Control.RateLimit.Admitted >= 13, TimeSpan.FromSeconds(20), "twelve calls at the sandbox");
        Assert.Equal(8, sandbox.Control.RateLimit.Refused);

        // Each poll moves the clock a second, which lets the retries that waited for it through, four at a time.
        await Poll.UntilAsync(
            () =>
            {
                if (calls.IsCompleted)
                {
                    return true;
                }

                sandbox.Clock.Advance(TimeSpan.FromSeconds(1));
                return false;
            },
            TimeSpan.FromSeconds(30),
            "every call answered");

        Assert.All(await calls, c => Assert.Equal(customer.Id, c.Id));
        Assert.InRange(sandbox.Control.RateLimit.Refused, 8, 12);
        Assert.Equal(sandbox.Control.RateLimit.Refused, metrics.Count("stripe"));
        Assert.Equal(0, metrics.Count("budget"));
    }

    [Fact]
    public async Task A_call_whose_turn_is_too_far_away_fails_at_once_as_transient_without_reaching_Stripe()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var subscription = (await sandbox.SubscribeAsync()).SubscriptionId!;
        using var metrics = new ThrottleCounts();
        var clock = new FakeTimeProvider(sandbox.Clock.GetUtcNow());
        var budget = new StripeRequestBudget(1, TimeSpan.FromMilliseconds(500), clock, () => 1);
        var provider = new StripePaymentProvider(
            new FixedStripeClientSource(sandbox.NewStripeClient(SandboxHost.TestKey, maxNetworkRetries: 2, handler: new StripeRateLimitHandler(budget, metrics.Metrics, clock))), clock);
        sandbox.Requests.Clear();

        Assert.Equal(subscription, (await provider.GetSubscriptionAsync(subscription, Ct)).Id);
        var spent = await Assert.ThrowsAsync<PaymentProviderException>(() => provider.GetSubscriptionAsync(subscription, Ct));

        Assert.True(spent.Transient);
        Assert.Contains("rate", spent.Message, StringComparison.Ordinal);
        Assert.Single(sandbox.Requests.All);
        Assert.Equal(1, metrics.Count("budget"));

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(subscription, (await provider.GetSubscriptionAsync(subscription, Ct)).Id);
    }

    [Fact]
    public async Task Held_webhooks_wait_and_are_released_at_once_several_at_a_time()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        Assert.Equal(HttpStatusCode.OK, await sandbox.PostJsonAsync("/sandbox/webhooks/hold", "{}"));

        await sandbox.SubscribeAsync();
        await sandbox.SubscribeAsync();
        var held = sandbox.Control.WebhookStatus.Held;
        Assert.True(held >= 6, $"two paid checkouts cause at least six events, {held} were held");
        Assert.Empty(sandbox.Receiver.Events);
        Assert.Equal(HttpStatusCode.BadRequest, await sandbox.PostJsonAsync("/sandbox/webhooks/release", """{"concurrency": 0}"""));

        Assert.Equal(HttpStatusCode.OK, await sandbox.PostJsonAsync("/sandbox/webhooks/release", """{"concurrency": 4}"""));

        Assert.Equal(held, sandbox.Receiver.Events.Count);
        Assert.Equal(sandbox.Control.Events.Select(e => e.Id).Order(), sandbox.Receiver.Events.Select(e => e.Id).Order());
        Assert.Null(sandbox.Control.WebhookStatus.Held);
        Assert.Equal(0, sandbox.Control.PendingWebhooks);
    }

    /// <summary>The <c>billing.stripe.throttled</c> counts of one <see cref="BillingMetrics"/>, by who held the request back.</summary>
    private sealed class ThrottleCounts : IDisposable
    {
        private readonly ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        private readonly MeterListener listener = new();
        private readonly Dictionary<string, long> counts = [];

        public ThrottleCounts()
        {
            var factory = services.GetRequiredService<IMeterFactory>();
            Metrics = new BillingMetrics(factory);
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "billing.stripe.throttled" && instrument.Meter.Scope == factory)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "by")
                    {
                        lock (counts)
                        {
                            counts[(string)tag.Value!] = counts.GetValueOrDefault((string)tag.Value!) + value;
                        }
                    }
                }
            });
            listener.Start();
        }

        public BillingMetrics Metrics { get; }

        public long Count(string by)
        {
            lock (counts)
            {
                return counts.GetValueOrDefault(by);
            }
        }

        public void Dispose()
        {
            listener.Dispose();
            services.Dispose();
        }
    }
}
