using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Http;

/// <summary>The JSON a product service reads: names, not numbers, for every enum.</summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class JsonContractTests(BillingService service) : IClassFixture<BillingService>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_subscription_state_is_written_as_its_name()
    {
        using var client = service.Client();
        await service.MakePastDueAsync(client, "json_past_due");

        using var response = await client.GetAsync("/v1/customers/json_past_due/subscription", Cancellation);

        Assert.Contains("\"state\":\"PastDue\"", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_entitlements_state_is_written_as_its_name()
    {
        using var client = service.Client();
        await service.MakePastDueAsync(client, "json_past_due_entitlements");

        using var response = await client.GetAsync("/v1/customers/json_past_due_entitlements/entitlements", Cancellation);

        Assert.Contains("\"state\":\"PastDue\"", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_entries_write_their_kind_and_states_as_names()
    {
        using var client = service.Client();
        await service.MakePastDueAsync(client, "json_history");

        // The newest entry is dunning's first step (due at once); the failure comes just before it.
        var failed = (await client.SubscriptionOfAsync("json_history")).GetProperty("recentHistory")[1];

        Assert.Equal("PaymentFailed", failed.GetProperty("name").GetString());
        Assert.Equal("Transition", failed.GetProperty("kind").GetString());
        Assert.Equal("Active", failed.GetProperty("from").GetString());
        Assert.Equal("PastDue", failed.GetProperty("to").GetString());
    }
}
