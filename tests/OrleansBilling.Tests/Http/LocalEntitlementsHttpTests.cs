using System.Net;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Http;

/// <summary>
/// The gateway answers entitlements from what the customer's grain in its silo holds (issue 16): no grain call per
/// request, and usage recorded is in the very next answer.
/// </summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class LocalEntitlementsHttpTests(CountingService service) : IClassFixture<CountingService>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Entitlements_of_a_customer_active_in_this_silo_cost_no_grain_call_and_show_usage_at_once()
    {
        using var client = service.Client();
        await service.ActivateAsync(client, "local_http");
        using var first = await client.GetAsync("/v1/customers/local_http/entitlements", Cancellation);
        var calls = service.Counter.CallsTo("subscription", "local_http");

        for (var i = 0; i < 5; i++)
        {
            using var again = await client.GetAsync("/v1/customers/local_http/entitlements", Cancellation);
            Assert.Equal((HttpStatusCode.OK, first.Headers.ETag), (again.StatusCode, again.Headers.ETag));
        }

        Assert.Equal(calls, service.Counter.CallsTo("subscription", "local_http"));

        using var usage = await client.PostJsonAsync("/v1/customers/local_http/usage", new { meter = "api_calls", quantity = 3, idempotencyKey = "h1" });
        await usage.ReadOkAsync();
        using var after = await client.GetAsync("/v1/customers/local_http/entitlements", Cancellation);

        var meter = (await after.ReadOkAsync()).GetProperty("meters").GetProperty("api_calls");
        Assert.Equal(3, meter.GetProperty("used").GetDecimal());
        Assert.NotEqual(first.Headers.ETag, after.Headers.ETag);
    }
}
