using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Http;

/// <summary>The promise of the local default: the printed key gets a valid answer for a new customer.</summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class LocalDefaultTests(BillingService service) : IClassFixture<BillingService>
{
    [Fact]
    public async Task A_new_customer_of_the_demo_product_is_in_None_and_not_entitled()
    {
        using var client = service.Client();

        using var response = await client.GetAsync(new Uri("/v1/customers/cust_new/entitlements", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("None", body.GetProperty("state").GetString());
        Assert.False(body.GetProperty("entitled").GetBoolean());
    }
}
