using OrleansBilling.Tests.Http;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.EndToEnd;

/// <summary>
/// Metered usage as a product reports it and Stripe receives it: over HTTP, forwarded by the
/// grains' own timers to the sandbox's v2 meter event stream, on the sandbox clock.
/// </summary>
[Trait(TestKind.Trait, TestKind.EndToEnd)]
public sealed class MeteringStoryTests(SandboxBillingService service) : IClassFixture<SandboxBillingService>
{
    [Fact]
    public async Task Every_usage_event_reaches_Stripe_exactly_once_also_when_some_flushes_fail()
    {
        using var api = service.Client();
        var stripeCustomer = await api.SubscribeAsync("meter_story", "basic");
        var keys = Enumerable.Range(0, 250).Select(i => $"u-{i}").ToList();
        service.Sandbox.FailNextMeterEventStreamCalls(2);

        await PostUsageAsync(api, "meter_story", keys);
        await PostUsageAsync(api, "meter_story", keys.Take(50));

        var identifiers = keys.Select(k => $"demo/meter_story/{k}").ToHashSet();
        await api.UntilAtStripeMeterAsync(service.Sandbox, identifiers);
        var received = service.Sandbox.MeterEvents.Where(e => e.CustomerId == stripeCustomer).ToList();
        Assert.Equal(identifiers.Order(StringComparer.Ordinal), received.Select(e => e.Identifier).Order(StringComparer.Ordinal));
        Assert.All(received, e => Assert.Equal(1, e.Received));
        Assert.All(received, e => Assert.Equal("demo_api_calls", e.EventName));
        Assert.Equal(250 * 2, received.Sum(e => decimal.Parse(e.Value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task A_renewal_starts_a_new_period_and_late_usage_counts_in_the_one_before()
    {
        using var api = service.Client();
        await api.SubscribeAsync("meter_renewal", "basic");
        await PostUsageAsync(api, "meter_renewal", ["before-1", "before-2"]);
        var firstPeriod = await api.EntitlementsOfAsync("meter_renewal");
        Assert.Equal(4, Used(firstPeriod));

        await api.AdvanceClockAsync(days: 31);

        var renewed = await api.EntitlementsOfAsync("meter_renewal");
        var renewedAt = renewed.GetProperty("currentPeriodStart").GetDateTimeOffset();
        Assert.Equal(firstPeriod.GetProperty("currentPeriodEnd").GetDateTimeOffset(), renewedAt);
        Assert.Equal(0, Used(renewed));
        using var late = await api.PostJsonAsync("/v1/customers/meter_renewal/usage", new { meter = "api_calls", quantity = 5, idempotencyKey = "late", timestamp = renewedAt.AddMinutes(-1) });
        Assert.Equal(firstPeriod.GetProperty("currentPeriodStart").GetDateTimeOffset(), (await late.ReadOkAsync()).GetProperty("periodStart").GetDateTimeOffset());
        await PostUsageAsync(api, "meter_renewal", ["after-1"]);
        Assert.Equal(2, Used(await api.EntitlementsOfAsync("meter_renewal")));
    }

    private static double Used(System.Text.Json.JsonElement entitlements) =>
        entitlements.GetProperty("meters").GetProperty("api_calls").GetProperty("used").GetDouble();

    /// <summary>Reports two API calls per key, in batches of 100.</summary>
    private static async Task PostUsageAsync(HttpClient api, string customerId, IEnumerable<string> keys)
    {
        foreach (var chunk in keys.Chunk(100))
        {
            using var response = await api.PostJsonAsync("/v1/usage", new
            {
                events = chunk.Select(key => new { customerId, meter = "api_calls", quantity = 2, idempotencyKey = key }),
            });
            var body = await response.ReadOkAsync();
            Assert.Equal(0, body.GetProperty("rejected").GetInt32());
        }
    }
}
