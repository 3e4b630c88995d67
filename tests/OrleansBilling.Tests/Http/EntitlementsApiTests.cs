using System.Net;
using System.Net.Http.Headers;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Http;

[Trait(TestKind.Trait, TestKind.Http)]
public sealed class EntitlementsApiTests(EntitlementsApiTests.Service service) : IClassFixture<EntitlementsApiTests.Service>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>Two products, and a cache lifetime set in configuration.</summary>
    public sealed class Service : TwoProductsService
    {
        protected override IEnumerable<string> Arguments() => [.. base.Arguments(), "--Billing:Entitlements:MaxAgeSeconds=17"];
    }

    [Fact]
    public async Task Entitlements_carry_an_ETag_and_the_configured_cache_lifetime_and_a_match_is_a_304()
    {
        using var client = service.Client();
        await service.ActivateAsync(client, "etag_1");

        using var first = await client.GetAsync("/v1/customers/etag_1/entitlements", Cancellation);
        await first.ReadOkAsync();
        var etag = first.Headers.ETag!;
        Assert.False(etag.IsWeak);
        Assert.True(first.Headers.CacheControl!.Private);
        Assert.Equal(TimeSpan.FromSeconds(17), first.Headers.CacheControl.MaxAge);

        using var revalidated = await Get(client, "/v1/customers/etag_1/entitlements", etag.Tag);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        Assert.Empty(await revalidated.Content.ReadAsByteArrayAsync(Cancellation));
        Assert.Equal(etag, revalidated.Headers.ETag);

        using var weak = await Get(client, "/v1/customers/etag_1/entitlements", $"\"other\", W/{etag.Tag}");
        Assert.Equal(HttpStatusCode.NotModified, weak.StatusCode);
    }

    [Fact]
    public async Task New_usage_changes_the_ETag_so_a_cached_copy_is_refreshed()
    {
        using var client = service.Client();
        await service.ActivateAsync(client, "etag_usage");
        using var before = await client.GetAsync("/v1/customers/etag_usage/entitlements", Cancellation);

        using var usage = await client.PostJsonAsync("/v1/customers/etag_usage/usage", new { meter = "api_calls", quantity = 1, idempotencyKey = "u1" });
        await usage.ReadOkAsync();
        using var after = await Get(client, "/v1/customers/etag_usage/entitlements", before.Headers.ETag!.Tag);

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.NotEqual(before.Headers.ETag, after.Headers.ETag);
    }

    [Fact]
    public async Task A_stale_ETag_gets_the_whole_answer()
    {
        using var client = service.Client();

        using var response = await Get(client, "/v1/customers/etag_stale/entitlements", "\"0123\"");

        Assert.Equal("None", (await response.ReadOkAsync()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task The_answer_shows_period_meters_and_no_grace_for_a_paying_customer()
    {
        using var client = service.Client();
        await service.ActivateAsync(client, "shape_1");

        var view = await client.EntitlementsOfAsync("shape_1");

        Assert.True(view.GetProperty("entitled").GetBoolean());
        Assert.Equal(service.Clock.GetUtcNow(), view.GetProperty("currentPeriodStart").GetDateTimeOffset());
        Assert.Equal(JsonNull, view.GetProperty("grace").ValueKind);
        var apiCalls = view.GetProperty("meters").GetProperty("api_calls");
        Assert.Equal((0, 1000, 1000), (apiCalls.GetProperty("used").GetDouble(), apiCalls.GetProperty("limit").GetInt64(), apiCalls.GetProperty("remaining").GetDouble()));
        Assert.Equal(JsonNull, view.GetProperty("meters").GetProperty("projects").GetProperty("limit").ValueKind);
        Assert.Equal(0, view.GetProperty("overrides").GetArrayLength());
    }

    [Fact]
    public async Task A_past_due_customer_sees_when_the_grace_ends()
    {
        using var client = service.Client();
        await service.MakePastDueAsync(client, "grace_1");

        var grace = (await client.EntitlementsOfAsync("grace_1")).GetProperty("grace");

        var since = grace.GetProperty("since").GetDateTimeOffset();
        Assert.Equal(since.AddDays(7), grace.GetProperty("accessUntil").GetDateTimeOffset());
        Assert.Equal(since.AddDays(14), grace.GetProperty("cancelsAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task The_batch_form_answers_each_distinct_customer_in_order()
    {
        using var client = service.Client();
        await service.ActivateAsync(client, "many_1");

        using var response = await client.PostJsonAsync("/v1/entitlements:batch", new { customerIds = new[] { "many_1", "many_2", "many_1" } });

        var results = (await response.ReadOkAsync()).GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["many_1", "many_2"], results.Select(r => r.GetProperty("customerId").GetString()));
        Assert.True(results[0].GetProperty("entitlements").GetProperty("entitled").GetBoolean());
        Assert.Equal("None", results[1].GetProperty("entitlements").GetProperty("state").GetString());
    }

    [Theory]
    [InlineData("""{"customerIds":[]}""")]
    [InlineData("""{}""")]
    [InlineData("""{"customerIds":["ok","not ok"]}""")]
    public async Task A_bad_batch_is_a_clear_problem(string json)
    {
        using var client = service.Client();

        using var response = await client.PostRawJsonAsync("/v1/entitlements:batch", json);

        await response.ReadProblemAsync(HttpStatusCode.BadRequest, "urn:orleans-billing:problem:invalid-request");
    }

    [Fact]
    public async Task A_batch_of_more_than_100_customers_is_refused()
    {
        using var client = service.Client();

        using var response = await client.PostJsonAsync("/v1/entitlements:batch", new { customerIds = Enumerable.Range(0, 101).Select(i => $"c{i}") });

        await response.ReadProblemAsync(HttpStatusCode.BadRequest, "urn:orleans-billing:problem:invalid-request");
    }

    [Fact]
    public async Task Products_are_isolated_the_same_customer_id_is_two_customers()
    {
        using var demo = service.Client();
        using var other = service.Client(TwoProductsService.OtherApiKey);
        await service.ActivateAsync(demo, "shared_id");

        using var usage = await demo.PostJsonAsync("/v1/customers/shared_id/usage", new { meter = "api_calls", quantity = 9, idempotencyKey = "same-key" });
        await usage.ReadOkAsync();
        using var otherUsage = await other.PostJsonAsync("/v1/customers/shared_id/usage", new { meter = "api_calls", quantity = 9, idempotencyKey = "same-key" });

        await otherUsage.ReadProblemAsync(HttpStatusCode.Conflict, "urn:orleans-billing:problem:no-billing-period");
        var seenByOther = await other.EntitlementsOfAsync("shared_id");
        Assert.Equal("None", seenByOther.GetProperty("state").GetString());
        Assert.Equal(0, seenByOther.GetProperty("meters").GetProperty("api_calls").GetProperty("used").GetDouble());
        Assert.False(seenByOther.GetProperty("meters").TryGetProperty("projects", out _));
        using var batch = await other.PostJsonAsync("/v1/entitlements:batch", new { customerIds = new[] { "shared_id" } });
        Assert.Equal("None", (await batch.ReadOkAsync()).GetProperty("results")[0].GetProperty("entitlements").GetProperty("state").GetString());
        Assert.Equal(9, (await demo.EntitlementsOfAsync("shared_id")).GetProperty("meters").GetProperty("api_calls").GetProperty("used").GetDouble());
    }

    private const System.Text.Json.JsonValueKind JsonNull = System.Text.Json.JsonValueKind.Null;

    private static async Task<HttpResponseMessage> Get(HttpClient client, string path, string ifNoneMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        return await client.SendAsync(request, Cancellation);
    }
}
