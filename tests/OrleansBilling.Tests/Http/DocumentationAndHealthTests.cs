using System.Net;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Http;

/// <summary>What anyone may read without a key: the OpenAPI document, the API reference and the health endpoints.</summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class DocumentationAndHealthTests(BillingService service) : IClassFixture<BillingService>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/v1/checkout")]
    [InlineData("/v1/customers/{customerId}/entitlements")]
    [InlineData("/v1/customers/{customerId}/subscription")]
    [InlineData("/v1/customers/{customerId}/subscription/cancel")]
    [InlineData("/v1/customers/{customerId}/subscription/resume")]
    [InlineData("/v1/customers/{customerId}/subscription/plan")]
    public async Task The_openapi_document_lists_the_product_api(string path)
    {
        using var client = service.Client(apiKey: null);

        using var response = await client.GetAsync("/openapi/v1.json", Cancellation);

        var document = await response.ReadOkAsync();
        Assert.True(document.GetProperty("paths").TryGetProperty(path, out _), $"The document lists {path}.");
    }

    [Fact]
    public async Task The_docs_serve_the_api_reference_page()
    {
        using var client = service.Client(apiKey: null);

        using var response = await client.GetAsync("/docs", Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("scalar", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task The_health_endpoints_answer_200_while_the_silo_is_up(string path)
    {
        using var client = service.Client(apiKey: null);

        using var response = await client.GetAsync(path, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
