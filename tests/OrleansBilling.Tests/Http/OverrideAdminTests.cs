using System.Net;
using OrleansBilling.Tests.Infrastructure;
using OrleansBilling.GrainInterfaces.Staff;
using Xunit;

namespace OrleansBilling.Tests.Http;

[Trait(TestKind.Trait, TestKind.Http)]
public sealed class OverrideAdminTests(BillingService service) : IClassFixture<BillingService>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Support_grants_an_override_the_product_sees_it_applied_and_marked_and_the_history_names_who_and_why()
    {
        using var client = service.Client();
        using var admin = await AdminAsync("grace.hopper");
        await service.ActivateAsync(client, "ovr_http_1");
        var expiresAt = service.Clock.GetUtcNow().AddDays(3);

        using var granted = await admin.PostJsonAsync(
            "/admin/v1/products/demo/customers/ovr_http_1/overrides", new { feature = "sso", value = true, reason = "pilot", expiresAt });
        var grantedView = await granted.ReadOkAsync();
        using var limit = await admin.PostJsonAsync(
            "/admin/v1/products/demo/customers/ovr_http_1/overrides", new { limit = "api_calls", value = 2500, reason = "launch", expiresAt });
        await limit.ReadOkAsync();

        Assert.True(grantedView.GetProperty("value").GetBoolean());
        Assert.Equal("admin:grace.hopper", grantedView.GetProperty("actor").GetString());
        var view = await client.EntitlementsOfAsync("ovr_http_1");
        Assert.True(view.GetProperty("features").GetProperty("sso").GetBoolean());
        Assert.Equal(2500, view.GetProperty("limits").GetProperty("api_calls").GetInt64());
        Assert.True(view.GetProperty("meters").GetProperty("api_calls").GetProperty("limitOverridden").GetBoolean());
        var overrides = view.GetProperty("overrides").EnumerateArray().ToList();
        Assert.Equal(["sso", null], overrides.Select(o => o.TryGetProperty("feature", out var f) ? f.GetString() : null));
        Assert.Equal(2500, overrides[1].GetProperty("value").GetInt64());
        var history = (await client.SubscriptionOfAsync("ovr_http_1")).GetProperty("recentHistory");
        Assert.Equal("OverrideGranted", history[1].GetProperty("name").GetString());
        Assert.Equal("admin:grace.hopper", history[1].GetProperty("actor").GetString());
        Assert.Contains("reason: pilot", history[1].GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Support_lists_and_removes_an_override()
    {
        using var client = service.Client();
        using var admin = await AdminAsync("lin");
        await service.ActivateAsync(client, "ovr_http_2");
        using var granted = await admin.PostJsonAsync(
            "/admin/v1/products/demo/customers/ovr_http_2/overrides", new { feature = "exports", value = true, reason = "trial of exports", expiresAt = service.Clock.GetUtcNow().AddDays(1) });
        var id = (await granted.ReadOkAsync()).GetProperty("id").GetString();

        using var listed = await admin.GetAsync("/admin/v1/products/demo/customers/ovr_http_2/overrides", Cancellation);
        Assert.Equal(id, (await listed.ReadOkAsync())[0].GetProperty("id").GetString());

        using var removed = await admin.DeleteAsync($"/admin/v1/products/demo/customers/ovr_http_2/overrides/{id}", Cancellation);
        await removed.ReadOkAsync();
        using var again = await admin.DeleteAsync($"/admin/v1/products/demo/customers/ovr_http_2/overrides/{id}", Cancellation);

        await again.ReadProblemAsync(HttpStatusCode.NotFound, "urn:orleans-billing:problem:not-found");
        Assert.False((await client.EntitlementsOfAsync("ovr_http_2")).GetProperty("features").GetProperty("exports").GetBoolean());
        Assert.Equal("OverrideRemoved", (await client.SubscriptionOfAsync("ovr_http_2")).GetProperty("recentHistory")[0].GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("""{"feature":"sso","value":"yes","reason":"r","expiresAt":"2026-11-05T00:00:00Z"}""", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("""{"limit":"api_calls","value":1.5,"reason":"r","expiresAt":"2026-11-05T00:00:00Z"}""", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("""{"feature":"sso","limit":"api_calls","value":true,"reason":"r","expiresAt":"2026-11-05T00:00:00Z"}""", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("""{"feature":"sso","value":true,"expiresAt":"2026-11-05T00:00:00Z"}""", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("""{"feature":"sso","value":true,"reason":"r"}""", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("""{"feature":"sso","value":true,"reason":"r","expiresAt":"2026-10-01T00:00:00Z"}""", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("""{"feature":"teleport","value":true,"reason":"r","expiresAt":"2026-11-05T00:00:00Z"}""", HttpStatusCode.UnprocessableEntity, "unknown-entitlement")]
    public async Task A_bad_override_is_a_clear_problem_and_changes_nothing(string json, HttpStatusCode status, string type)
    {
        using var client = service.Client();
        using var admin = await AdminAsync("lin");
        var customer = $"ovr_bad_{Math.Abs(json.GetHashCode(StringComparison.Ordinal))}";
        await service.ActivateAsync(client, customer);

        using var response = await admin.PostRawJsonAsync($"/admin/v1/products/demo/customers/{customer}/overrides", json);

        await response.ReadProblemAsync(status, $"urn:orleans-billing:problem:{type}");
        Assert.Equal(0, (await client.EntitlementsOfAsync(customer)).GetProperty("overrides").GetArrayLength());
    }

    [Fact]
    public async Task Overrides_need_the_admin_key_and_a_known_product()
    {
        using var product = service.Client();
        using var admin = await AdminAsync("lin");
        var body = new { feature = "sso", value = true, reason = "r", expiresAt = service.Clock.GetUtcNow().AddDays(1) };

        using var withProductKey = await product.PostJsonAsync("/admin/v1/products/demo/customers/c1/overrides", body);
        using var unknownProduct = await admin.PostJsonAsync("/admin/v1/products/nope/customers/c1/overrides", body);

        await withProductKey.ReadProblemAsync(HttpStatusCode.Unauthorized, "urn:orleans-billing:problem:unauthorized");
        await unknownProduct.ReadProblemAsync(HttpStatusCode.NotFound, "urn:orleans-billing:problem:unknown-product");
    }

    [Fact]
    public async Task An_override_stops_applying_when_the_clock_passes_its_expiry()
    {
        using var client = service.Client();
        using var admin = await AdminAsync("lin");
        await service.ActivateAsync(client, "ovr_http_expiry");
        using var granted = await admin.PostJsonAsync(
            "/admin/v1/products/demo/customers/ovr_http_expiry/overrides", new { feature = "sso", value = true, reason = "one hour", expiresAt = service.Clock.GetUtcNow().AddHours(1) });
        await granted.ReadOkAsync();
        using var before = await client.GetAsync("/v1/customers/ovr_http_expiry/entitlements", Cancellation);

        service.Clock.Advance(TimeSpan.FromHours(1));

        using var after = await client.GetAsync("/v1/customers/ovr_http_expiry/entitlements", Cancellation);
        var view = await after.ReadOkAsync();
        Assert.False(view.GetProperty("features").GetProperty("sso").GetBoolean());
        Assert.Equal(0, view.GetProperty("overrides").GetArrayLength());
        Assert.NotEqual(before.Headers.ETag, after.Headers.ETag);
    }

    private Task<HttpClient> AdminAsync(string person) => service.StaffAsync(person, StaffRole.Support);
}
