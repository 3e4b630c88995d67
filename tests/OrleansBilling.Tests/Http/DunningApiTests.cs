using System.Net;
using System.Net.Http.Json;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Http;

/// <summary>Dunning over HTTP: what a product sees of an episode, and how support sets and previews a policy.</summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class DunningApiTests(BillingService service) : IClassFixture<BillingService>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_customer_without_a_failed_payment_has_no_open_episode()
    {
        using var client = service.Client();
        await service.ActivateAsync(client, "dapi_none");

        using var response = await client.GetAsync("/v1/customers/dapi_none/dunning", Cancellation);

        Assert.False((await response.ReadOkAsync()).GetProperty("open").GetBoolean());
    }

    [Fact]
    public async Task A_past_due_customer_shows_the_episode_with_the_first_step_taken_and_the_next_due()
    {
        using var client = service.Client();
        await service.MakePastDueAsync(client, "dapi_open");

        using var response = await client.GetAsync("/v1/customers/dapi_open/dunning", Cancellation);

        var dunning = await response.ReadOkAsync();
        Assert.True(dunning.GetProperty("open").GetBoolean());
        var steps = dunning.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(4, steps.Count);
        Assert.True(steps[0].GetProperty("taken").GetBoolean());
        Assert.False(steps[1].GetProperty("taken").GetBoolean());
        Assert.Equal(steps[1].GetProperty("dueAt").GetDateTimeOffset(), dunning.GetProperty("nextStepAt").GetDateTimeOffset());
        Assert.Equal(steps[2].GetProperty("dueAt").GetDateTimeOffset(), dunning.GetProperty("graceEndsAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Product_keys_cannot_reach_admin_routes()
    {
        using var client = service.Client();

        using var response = await client.GetAsync("/admin/v1/products/demo/dunning/preview", Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
