using System.Net;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Http;

[Trait(TestKind.Trait, TestKind.Http)]
public sealed class UsageApiTests(BillingService service) : IClassFixture<BillingService>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task One_event_is_accepted_once_and_its_repeat_is_answered_as_a_duplicate()
    {
        using var client = service.Client();
        await service.ActivateAsync(client, "usage_one");

        using var first = await client.PostJsonAsync("/v1/customers/usage_one/usage", new { meter = "api_calls", quantity = 25, idempotencyKey = "req-1" });
        using var again = await client.PostJsonAsync("/v1/customers/usage_one/usage", new { meter = "api_calls", quantity = 25, idempotencyKey = "req-1" });

        var accepted = await first.ReadOkAsync();
        Assert.Equal("Accepted", accepted.GetProperty("outcome").GetString());
        Assert.Equal("usage_one", accepted.GetProperty("customerId").GetString());
        Assert.Equal("Duplicate", (await again.ReadOkAsync()).GetProperty("outcome").GetString());
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        var meter = (await client.EntitlementsOfAsync("usage_one")).GetProperty("meters").GetProperty("api_calls");
        Assert.Equal(25, meter.GetProperty("used").GetDouble());
        Assert.Equal(975, meter.GetProperty("remaining").GetDouble());
    }

    [Fact]
    public async Task Concurrent_duplicate_posts_count_once()
    {
        using var client = service.Client();
        await service.ActivateAsync(client, "usage_race");

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            client.PostJsonAsync("/v1/customers/usage_race/usage", new { meter = "api_calls", quantity = 3, idempotencyKey = "race" })));
        var outcomes = new List<string?>();
        foreach (var response in responses)
        {
            outcomes.Add((await response.ReadOkAsync()).GetProperty("outcome").GetString());
            response.Dispose();
        }

        Assert.Equal(1, outcomes.Count(o => o == "Accepted"));
        Assert.Equal(19, outcomes.Count(o => o == "Duplicate"));
        Assert.Equal(3, (await client.EntitlementsOfAsync("usage_race")).GetProperty("meters").GetProperty("api_calls").GetProperty("used").GetDouble());
    }

    [Theory]
    [InlineData("""{"meter":"bandwidth","quantity":1,"idempotencyKey":"k"}""", HttpStatusCode.UnprocessableEntity, "unknown-meter")]
    [InlineData("""{"meter":"api_calls","quantity":-1,"idempotencyKey":"k"}""", HttpStatusCode.BadRequest, "invalid-quantity")]
    [InlineData("""{"meter":"api_calls","quantity":"NaN","idempotencyKey":"k"}""", HttpStatusCode.BadRequest, "invalid-quantity")]
    [InlineData("""{"meter":"api_calls","quantity":1e400,"idempotencyKey":"k"}""", HttpStatusCode.BadRequest, "invalid-quantity")]
    [InlineData("""{"meter":"api_calls","idempotencyKey":"k"}""", HttpStatusCode.BadRequest, "invalid-quantity")]
    [InlineData("""{"meter":"api_calls","quantity":null,"idempotencyKey":"k"}""", HttpStatusCode.BadRequest, "invalid-quantity")]
    [InlineData("""{"meter":"api_calls","quantity":{"n":1},"idempotencyKey":"k"}""", HttpStatusCode.BadRequest, "invalid-quantity")]
    [InlineData("""{"meter":"api_calls","quantity":1,"idempotencyKey":"k","timestamp":[1]}""", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("""{"meter":"api_calls","quantity":1}""", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("""{"meter":"api_calls","quantity":1,"idempotencyKey":"k","timestamp":"2020-01-01T00:00:00Z"}""", HttpStatusCode.UnprocessableEntity, "outside-billing-period")]
    [InlineData("""{"meter":"api_calls","quantity":1,"idempotencyKey":"k","timestamp":"2026-11-01T12:00:00"}""", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("""{"meter":"api_calls","quantity":1,"idempotencyKey":"k","timestamp":"yesterday"}""", HttpStatusCode.BadRequest, "invalid-request")]
    public async Task A_bad_event_is_a_clear_problem_and_records_nothing(string json, HttpStatusCode status, string type)
    {
        using var client = service.Client();
        var customer = $"usage_bad_{Math.Abs(json.GetHashCode(StringComparison.Ordinal))}";
        await service.ActivateAsync(client, customer);

        using var response = await client.PostRawJsonAsync($"/v1/customers/{customer}/usage", json);

        var problem = await response.ReadProblemAsync(status, $"urn:orleans-billing:problem:{type}");
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        var meters = (await client.EntitlementsOfAsync(customer)).GetProperty("meters");
        Assert.Equal(0, meters.GetProperty("api_calls").GetProperty("used").GetDouble());
    }

    [Fact]
    public async Task Usage_for_a_customer_without_a_subscription_is_a_conflict()
    {
        using var client = service.Client();

        using var response = await client.PostJsonAsync("/v1/customers/usage_nobody/usage", new { meter = "api_calls", quantity = 1, idempotencyKey = "k" });

        await response.ReadProblemAsync(HttpStatusCode.Conflict, "urn:orleans-billing:problem:no-billing-period");
    }

    [Fact]
    public async Task A_batch_answers_every_event_in_order_and_counts_per_customer()
    {
        using var client = service.Client();
        await service.ActivateAsync(client, "batch_a");
        await service.ActivateAsync(client, "batch_b");
        service.Clock.Advance(TimeSpan.FromMinutes(10));
        var at = service.Clock.GetUtcNow().AddMinutes(-5);

        using var response = await client.PostJsonAsync("/v1/usage", new
        {
            events = new object?[]
            {
                new { customerId = "batch_a", meter = "api_calls", quantity = 10, idempotencyKey = "e1" },
                new { customerId = "batch_b", meter = "api_calls", quantity = 7, idempotencyKey = "e1", timestamp = at },
                new { customerId = "batch_a", meter = "api_calls", quantity = 10, idempotencyKey = "e1" },
                new { customerId = "batch_a", meter = "nope", quantity = 1, idempotencyKey = "e2" },
                new { customerId = "bad id!", meter = "api_calls", quantity = 1, idempotencyKey = "e3" },
                new { customerId = "batch_b", meter = "projects", quantity = 4, idempotencyKey = "e4", timestamp = at.ToUnixTimeSeconds() },
                new { customerId = "batch_nobody", meter = "api_calls", quantity = 1, idempotencyKey = "e5" },
                null,
            },
        });

        var body = await response.ReadOkAsync();
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(
            ["Accepted", "Accepted", "Duplicate", "Rejected", "Rejected", "Accepted", "Rejected", "Rejected"],
            results.Select(r => r.GetProperty("outcome").GetString()));
        Assert.Equal("UnknownMeter", results[3].GetProperty("error").GetString());
        Assert.Equal("InvalidCustomerId", results[4].GetProperty("error").GetString());
        Assert.Equal("NoBillingPeriod", results[6].GetProperty("error").GetString());
        Assert.Equal((3, 1, 4), (body.GetProperty("accepted").GetInt32(), body.GetProperty("duplicates").GetInt32(), body.GetProperty("rejected").GetInt32()));
        Assert.Equal(10, (await client.EntitlementsOfAsync("batch_a")).GetProperty("meters").GetProperty("api_calls").GetProperty("used").GetDouble());
        var b = (await client.EntitlementsOfAsync("batch_b")).GetProperty("meters");
        Assert.Equal(7, b.GetProperty("api_calls").GetProperty("used").GetDouble());
        Assert.Equal(4, b.GetProperty("projects").GetProperty("used").GetDouble());
    }

    [Theory]
    [InlineData("""{"events":[]}""")]
    [InlineData("""{}""")]
    [InlineData("""{"events":{"customerId":"a"}}""")]
    public async Task A_batch_without_events_is_refused_whole(string json)
    {
        using var client = service.Client();

        using var response = await client.PostRawJsonAsync("/v1/usage", json);

        await response.ReadProblemAsync(HttpStatusCode.BadRequest, "urn:orleans-billing:problem:invalid-request");
    }

    [Fact]
    public async Task A_batch_of_more_than_1000_events_is_refused_whole_and_records_nothing()
    {
        using var client = service.Client();
        await service.ActivateAsync(client, "batch_big");
        var events = Enumerable.Range(0, 1001).Select(i => new { customerId = "batch_big", meter = "api_calls", quantity = 1, idempotencyKey = $"big-{i}" });

        using var response = await client.PostJsonAsync("/v1/usage", new { events });

        await response.ReadProblemAsync(HttpStatusCode.BadRequest, "urn:orleans-billing:problem:invalid-request");
        Assert.Equal(0, (await client.EntitlementsOfAsync("batch_big")).GetProperty("meters").GetProperty("api_calls").GetProperty("used").GetDouble());
    }

    [Fact]
    public async Task A_full_batch_of_1000_events_counts_every_one()
    {
        using var client = service.Client();
        await service.ActivateAsync(client, "batch_full_1");
        await service.ActivateAsync(client, "batch_full_2");
        var events = Enumerable.Range(0, 1000).Select(i => new { customerId = $"batch_full_{(i % 2) + 1}", meter = "api_calls", quantity = 1, idempotencyKey = $"full-{i}" });

        using var response = await client.PostJsonAsync("/v1/usage", new { events });

        Assert.Equal(1000, (await response.ReadOkAsync()).GetProperty("accepted").GetInt32());
        Assert.Equal(500, (await client.EntitlementsOfAsync("batch_full_1")).GetProperty("meters").GetProperty("api_calls").GetProperty("used").GetDouble());
    }
}
