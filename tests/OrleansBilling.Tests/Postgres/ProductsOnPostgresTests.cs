using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansBilling.Tests.Http;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Postgres;

/// <summary>
/// Configuration declares the products at every start on PostgreSQL; what an admin changed through
/// the API since is kept, and what configuration took away is gone (issue 9, defects 3 and 4).
/// </summary>
[Trait(TestKind.Trait, TestKind.Postgres)]
public sealed class ProductsOnPostgresTests(PostgresServer server)
{
    private const string KeyA = "bk_test_acme_key_a_0123456789";
    private const string KeyB = "bk_test_acme_key_b_0123456789";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_admins_dunning_policy_survives_a_restart_until_configuration_changes_its_own()
    {
        var connectionString = await server.CreateDatabaseAsync("policy_restart");
        var clusterId = "policy-" + Guid.NewGuid().ToString("N")[..8];
        var fiveDays = new { steps = new object[] { new { after = "P0D", action = "email", template = "payment_failed" }, new { after = "P5D", action = "cancel", template = "subscription_canceled" } } };

        await using (var first = new PostgresBillingService(connectionString, clusterId, configuration: Acme(cancelAfter: "P10D", KeyA)))
        {
            await first.InitializeAsync();
            using var admin = await AdminAsync(first);
            (await admin.PutAsJsonAsync("/admin/v1/products/acme/dunning", fiveDays, Cancel)).EnsureSuccessStatusCode();
            (await admin.PutAsJsonAsync("/admin/v1/products/demo/dunning", fiveDays, Cancel)).EnsureSuccessStatusCode();
        }

        await using (var second = new PostgresBillingService(connectionString, clusterId, configuration: Acme(cancelAfter: "P10D", KeyA)))
        {
            await second.InitializeAsync();
            using var admin = await AdminAsync(second);

            Assert.Equal((2, "admin:sam", "P5D"), await PolicyInForce(admin, "acme"));
            Assert.Equal((2, "admin:sam", "P5D"), await PolicyInForce(admin, "demo"));
        }

        await using var third = new PostgresBillingService(connectionString, clusterId, configuration: Acme(cancelAfter: "P20D", KeyA));
        await third.InitializeAsync();
        using var again = await AdminAsync(third);
        Assert.Equal((3, "configuration", "P20D"), await PolicyInForce(again, "acme"));
        Assert.Equal((2, "admin:sam", "P5D"), await PolicyInForce(again, "demo"));
    }

    [Fact]
    public async Task A_key_taken_out_of_configuration_stops_after_a_restart_and_a_key_an_admin_issued_keeps_working()
    {
        var connectionString = await server.CreateDatabaseAsync("keys_restart");
        var clusterId = "keys-" + Guid.NewGuid().ToString("N")[..8];
        string issued;

        await using (var first = new PostgresBillingService(connectionString, clusterId, configuration: Acme("P10D", KeyA, KeyB)))
        {
            await first.InitializeAsync();
            Assert.Equal(HttpStatusCode.OK, await EntitlementsStatus(first, KeyA));
            using var admin = await AdminAsync(first);
            using var response = await admin.PostAsync("/admin/v1/products/acme/api-keys", null, Cancel);
            issued = (await response.ReadOkAsync()).GetProperty("key").GetString()!;
        }

        await using var second = new PostgresBillingService(connectionString, clusterId, configuration: Acme("P10D", KeyB));
        await second.InitializeAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, await EntitlementsStatus(second, KeyA));
        Assert.Equal(HttpStatusCode.OK, await EntitlementsStatus(second, KeyB));
        Assert.Equal(HttpStatusCode.OK, await EntitlementsStatus(second, issued));
    }

    /// <summary>A product declared in configuration with a two-step policy and the given keys.</summary>
    private static string[] Acme(string cancelAfter, params string[] keys) =>
    [
        "--Billing:Products:acme:Name=Acme",
        "--Billing:Products:acme:Plans:basic:PriceId=price_acme_basic",
        "--Billing:Products:acme:Plans:basic:Amount=700",
        "--Billing:Products:acme:Dunning:0:After=P0D",
        "--Billing:Products:acme:Dunning:0:Action=email",
        "--Billing:Products:acme:Dunning:0:Template=payment_failed",
        $"--Billing:Products:acme:Dunning:1:After={cancelAfter}",
        "--Billing:Products:acme:Dunning:1:Action=cancel",
        "--Billing:Products:acme:Dunning:1:Template=subscription_canceled",
        "--Billing:ApiKeys:CacheSeconds=0",
        .. keys.Select((key, i) => $"--Billing:Products:acme:ApiKeys:{i}={key}"),
    ];

    private static Task<HttpClient> AdminAsync(BillingService service) => service.StaffAsync("sam");

    private static async Task<(int Version, string SetBy, string LastStepAfter)> PolicyInForce(HttpClient admin, string product)
    {
        var newest = (await admin.GetFromJsonAsync<JsonElement>($"/admin/v1/products/{product}/dunning", Cancel))[0];
        var last = newest.GetProperty("policy").GetProperty("steps").EnumerateArray().Last();
        return (newest.GetProperty("version").GetInt32(), newest.GetProperty("setBy").GetString()!, System.Xml.XmlConvert.ToString(TimeSpan.Parse(last.GetProperty("after").GetString()!, System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static async Task<HttpStatusCode> EntitlementsStatus(BillingService service, string key)
    {
        using var client = service.Client(apiKey: null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await client.GetAsync("/v1/customers/keys_pg/entitlements", Cancel);
        return response.StatusCode;
    }
}
