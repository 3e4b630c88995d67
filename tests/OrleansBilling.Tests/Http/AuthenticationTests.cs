using System.Net;
using OrleansBilling.Silo.Products;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Http;

/// <summary>The product API admits only a product's API key, and the key decides which product's customers a call names.</summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class AuthenticationTests(TwoProductsService service) : IClassFixture<TwoProductsService>
{
    private const string Unauthorized = "urn:orleans-billing:problem:unauthorized";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_request_without_an_api_key_is_401_with_a_bearer_challenge()
    {
        using var client = service.Client(apiKey: null);

        using var response = await client.GetAsync("/v1/customers/auth_none/entitlements", Cancellation);

        await response.ReadProblemAsync(HttpStatusCode.Unauthorized, Unauthorized);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Fact]
    public async Task A_browser_without_an_api_key_is_401_with_a_bearer_challenge_too()
    {
        using var client = service.Client(apiKey: null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/customers/auth_browser/entitlements");
        request.Headers.Accept.ParseAdd("text/html");

        using var response = await client.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Fact]
    public async Task An_unknown_api_key_is_401()
    {
        using var client = service.Client(apiKey: "bk_test_nobody_has_this_key");

        using var response = await client.GetAsync("/v1/customers/auth_unknown/entitlements", Cancellation);

        await response.ReadProblemAsync(HttpStatusCode.Unauthorized, Unauthorized);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Fact]
    public async Task A_post_without_a_valid_key_is_401_before_its_body_is_read()
    {
        using var client = service.Client(apiKey: "bk_not_a_key");

        using var response = await client.PostRawJsonAsync("/v1/checkout", "not json at all");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("Basic x")]
    [InlineData("Bearer")]
    [InlineData(BillingService.DemoApiKey)]
    [InlineData("Basic " + BillingService.DemoApiKey)]
    public async Task A_malformed_authorization_header_is_401(string authorization)
    {
        using var client = service.Client(apiKey: null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/customers/auth_malformed/entitlements");
        Assert.True(request.Headers.TryAddWithoutValidation("Authorization", authorization));

        using var response = await client.SendAsync(request, Cancellation);

        await response.ReadProblemAsync(HttpStatusCode.Unauthorized, Unauthorized);
    }

    [Fact]
    public async Task The_api_key_decides_which_product_the_customer_belongs_to()
    {
        using var demo = service.Client();
        using var other = service.Client(TwoProductsService.OtherApiKey);

        var underDemo = await demo.SubscriptionOfAsync("auth_whose");
        var underOther = await other.SubscriptionOfAsync("auth_whose");

        Assert.Equal(DemoProduct.Id, underDemo.GetProperty("productId").GetString());
        Assert.Equal(TwoProductsService.OtherProductId, underOther.GetProperty("productId").GetString());
    }

    [Fact]
    public async Task A_checkout_under_one_product_does_not_show_under_another()
    {
        using var demo = service.Client();
        using var other = service.Client(TwoProductsService.OtherApiKey);
        await demo.StartCheckoutAsync("auth_shared_1");

        var underOther = await other.SubscriptionOfAsync("auth_shared_1");

        Assert.Equal("None", underOther.GetProperty("state").GetString());
        Assert.Empty(underOther.GetProperty("recentHistory").EnumerateArray());
    }

    [Fact]
    public async Task The_same_customer_id_under_two_products_is_two_subscriptions_billed_at_their_own_prices()
    {
        using var demo = service.Client();
        using var other = service.Client(TwoProductsService.OtherApiKey);

        await demo.StartCheckoutAsync("auth_shared_2");
        await other.StartCheckoutAsync("auth_shared_2");

        Assert.Equal("price_demo_basic; trial=0", Assert.Single(service.Payments.CallsNamed("checkout"), c => c.Target == "demo/auth_shared_2").Detail);
        Assert.Equal("price_other_basic; trial=0", Assert.Single(service.Payments.CallsNamed("checkout"), c => c.Target == "other/auth_shared_2").Detail);
    }
}
