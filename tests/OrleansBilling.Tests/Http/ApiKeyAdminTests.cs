using System.Net;
using System.Net.Http.Headers;
using OrleansBilling.Tests.Infrastructure;
using OrleansBilling.GrainInterfaces.Staff;
using Xunit;

namespace OrleansBilling.Tests.Http;

/// <summary>Issuing, rotating and revoking product keys over HTTP, with the gateway's key cache off so a change shows at once.</summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class ApiKeyAdminTests(ApiKeyAdminTests.UncachedKeysService service) : IClassFixture<ApiKeyAdminTests.UncachedKeysService>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_issued_key_works_at_once_and_is_shown_only_when_issued()
    {
        using var admin = await AdminAsync();

        using var issued = await admin.PostAsync("/admin/v1/products/demo/api-keys", null, Cancellation);
        var body = await issued.ReadOkAsync();
        var key = body.GetProperty("key").GetString()!;

        Assert.StartsWith("bk_", key, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await EntitlementsStatusWith(key));
        using var list = await admin.GetAsync("/admin/v1/products/demo/api-keys", Cancellation);
        var text = (await list.ReadOkAsync()).ToString();
        Assert.Contains(body.GetProperty("id").GetString()!, text, StringComparison.Ordinal);
        Assert.Contains("admin:sam", text, StringComparison.Ordinal);
        Assert.DoesNotContain(key, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task During_a_rotation_old_and_new_keys_both_work_and_a_revoked_key_is_refused()
    {
        using var admin = await AdminAsync();
        using var issued = await admin.PostAsync("/admin/v1/products/demo/api-keys", null, Cancellation);
        var old = await issued.ReadOkAsync();

        using var rotated = await admin.PostAsync($"/admin/v1/products/demo/api-keys/{old.GetProperty("id").GetString()}/rotate?overlap=PT2H", null, Cancellation);
        var replacement = await rotated.ReadOkAsync();

        Assert.Equal(old.GetProperty("id").GetString(), replacement.GetProperty("replaces").GetString());
        Assert.Equal(HttpStatusCode.OK, await EntitlementsStatusWith(old.GetProperty("key").GetString()!));
        Assert.Equal(HttpStatusCode.OK, await EntitlementsStatusWith(replacement.GetProperty("key").GetString()!));

        using var revoke = await admin.DeleteAsync($"/admin/v1/products/demo/api-keys/{old.GetProperty("id").GetString()}", Cancellation);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await EntitlementsStatusWith(old.GetProperty("key").GetString()!));
        Assert.Equal(HttpStatusCode.OK, await EntitlementsStatusWith(replacement.GetProperty("key").GetString()!));
    }

    [Theory]
    [InlineData("/admin/v1/products/demo/api-keys/key_000000000000/rotate", HttpStatusCode.NotFound)]
    [InlineData("/admin/v1/products/nosuch/api-keys", HttpStatusCode.NotFound)]
    [InlineData("/admin/v1/products/demo/api-keys/key_000000000000/rotate?overlap=P31D", HttpStatusCode.BadRequest)]
    [InlineData("/admin/v1/products/demo/api-keys/key_000000000000/rotate?overlap=soon", HttpStatusCode.BadRequest)]
    [InlineData("/admin/v1/products/demo/api-keys/key_000000000000/rotate?overlap=P99999999D", HttpStatusCode.BadRequest)]
    public async Task Rotating_an_unknown_key_or_with_a_bad_overlap_is_a_problem(string path, HttpStatusCode status)
    {
        using var admin = await AdminAsync();

        using var response = await admin.PostAsync(path, null, Cancellation);

        await response.ReadProblemAsync(status);
    }

    private Task<HttpClient> AdminAsync() => service.StaffAsync("sam", StaffRole.Admin);

    private async Task<HttpStatusCode> EntitlementsStatusWith(string key)
    {
        using var client = service.Client(apiKey: null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await client.GetAsync("/v1/customers/keys_1/entitlements", Cancellation);
        return response.StatusCode;
    }

    /// <summary>The service with the gateway's key cache off.</summary>
    public sealed class UncachedKeysService : BillingService
    {
        protected override IEnumerable<string> Arguments() => ["--Billing:ApiKeys:CacheSeconds=0"];
    }
}
