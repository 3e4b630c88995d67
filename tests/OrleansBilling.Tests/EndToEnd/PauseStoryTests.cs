using System.Net;
using System.Text.Json;
using OrleansBilling.Tests.Http;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.EndToEnd;

/// <summary>
/// Pausing collection (issue 11 §4), through HTTP and Stripe.net on the sandbox: Stripe keeps the status
/// <c>active</c> and says it in <c>pause_collection</c>; the service takes <c>Paused</c> and <c>Resumed</c>
/// through the table, whether a product asked for it or someone paused it at Stripe. The demo product
/// keeps no access while paused (<c>PausedKeepsAccess</c> is off).
/// </summary>
[Trait(TestKind.Trait, TestKind.EndToEnd)]
public sealed class PauseStoryTests(SandboxBillingService service) : IClassFixture<SandboxBillingService>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_paused_customer_is_not_charged_at_renewal_loses_access_and_resuming_restores_both()
    {
        using var api = service.Client();
        var subscription = await api.SubscribeToStripeSubscriptionAsync("pause_void");

        JsonElement paused;
        using (var response = await api.PostJsonAsync("/v1/customers/pause_void/subscription/pause", new { behavior = "void" }, "pause-void-1"))
        {
            paused = await response.ReadOkAsync();
        }

        var atStripe = await api.StripeGetAsync($"subscriptions/{subscription}");
        var entitlementsWhilePaused = await api.EntitlementsOfAsync("pause_void");
        await api.AdvanceClockAsync(31);
        await api.AllDeliveredAsync();
        var invoices = await api.StripeGetAsync($"invoices?subscription={subscription}");
        var stateAfterRenewal = await api.StateOfAsync("pause_void");

        using (var response = await api.PostJsonAsync("/v1/customers/pause_void/subscription/resume", null, "pause-void-2"))
        {
            Assert.Equal("Active", (await response.ReadOkAsync()).GetProperty("state").GetString());
        }

        Assert.Equal("Paused", paused.GetProperty("state").GetString());
        Assert.Equal("active", atStripe.GetProperty("status").GetString());
        Assert.Equal("void", atStripe.GetProperty("pause_collection").GetProperty("behavior").GetString());
        Assert.False(entitlementsWhilePaused.GetProperty("entitled").GetBoolean());
        Assert.Equal(["void", "paid"], invoices.GetProperty("data").EnumerateArray().Select(i => i.GetProperty("status").GetString()));
        Assert.Equal("Paused", stateAfterRenewal);
        Assert.Equal(JsonValueKind.Null, (await api.StripeGetAsync($"subscriptions/{subscription}")).GetProperty("pause_collection").ValueKind);
        Assert.True((await api.EntitlementsOfAsync("pause_void")).GetProperty("entitled").GetBoolean());
        var history = SandboxApi.Transitions(await api.SubscriptionOfAsync("pause_void"));
        Assert.Equal(["Paused", "Resumed"], history.TakeLast(2));
    }

    [Fact]
    public async Task Collection_paused_and_resumed_at_Stripe_moves_the_subscription_through_the_table()
    {
        using var api = service.Client();
        var subscription = await api.SubscribeToStripeSubscriptionAsync("pause_at_stripe");

        await api.StripePostAsync($"subscriptions/{subscription}", "pause_collection[behavior]=mark_uncollectible");
        await Poll.UntilAsync(async () => await api.StateOfAsync("pause_at_stripe") == "Paused", TimeSpan.FromSeconds(20), "Paused after Stripe's update");
        await api.StripePostAsync($"subscriptions/{subscription}", "pause_collection=");
        await Poll.UntilAsync(async () => await api.StateOfAsync("pause_at_stripe") == "Active", TimeSpan.FromSeconds(20), "Active after Stripe's update");

        Assert.Equal(["Paused", "Resumed"], SandboxApi.Transitions(await api.SubscriptionOfAsync("pause_at_stripe")).TakeLast(2));
    }

    [Theory]
    [InlineData("{\"behavior\":\"sleep\"}", HttpStatusCode.BadRequest)]
    [InlineData("{}", HttpStatusCode.BadRequest)]
    [InlineData("{\"behavior\":\"void\",\"resumesAt\":\"2001-01-01T00:00:00Z\"}", HttpStatusCode.BadRequest)]
    public async Task A_pause_that_is_not_valid_is_a_problem_and_changes_nothing(string body, HttpStatusCode expected)
    {
        using var api = service.Client();
        var customer = $"pause_bad_{Math.Abs(body.GetHashCode(StringComparison.Ordinal))}";
        var subscription = await api.SubscribeToStripeSubscriptionAsync(customer);
        var before = await api.SubscriptionOfAsync(customer);

        using var response = await api.PostRawJsonAsync($"/v1/customers/{customer}/subscription/pause", body, $"{customer}-1");

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before.GetProperty("version").GetInt64(), (await api.SubscriptionOfAsync(customer)).GetProperty("version").GetInt64());
        Assert.Equal(JsonValueKind.Null, (await api.StripeGetAsync($"subscriptions/{subscription}")).GetProperty("pause_collection").ValueKind);
    }

    [Fact]
    public async Task Pausing_again_as_before_is_answered_as_done_and_with_other_settings_is_refused()
    {
        using var api = service.Client();
        var subscription = await api.SubscribeToStripeSubscriptionAsync("pause_twice");
        using (var first = await api.PostJsonAsync("/v1/customers/pause_twice/subscription/pause", new { behavior = "void" }, "pause-twice-1"))
        {
            await first.ReadOkAsync();
        }

        using var same = await api.PostJsonAsync("/v1/customers/pause_twice/subscription/pause", new { behavior = "void" }, "pause-twice-2");
        using var other = await api.PostJsonAsync("/v1/customers/pause_twice/subscription/pause", new { behavior = "keep_as_draft" }, "pause-twice-3");

        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.Contains("resume first", await other.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal("void", (await api.StripeGetAsync($"subscriptions/{subscription}")).GetProperty("pause_collection").GetProperty("behavior").GetString());
        Assert.Single(SandboxApi.Transitions(await api.SubscriptionOfAsync("pause_twice")), t => t == "Paused");
    }

    [Fact]
    public async Task A_paused_subscription_set_to_end_at_Stripe_stays_paused_until_it_ends()
    {
        using var api = service.Client();
        var subscription = await api.SubscribeToStripeSubscriptionAsync("pause_then_end");
        using (var pause = await api.PostJsonAsync("/v1/customers/pause_then_end/subscription/pause", new { behavior = "void" }, "pause-end-1"))
        {
            await pause.ReadOkAsync();
        }

        await api.StripePostAsync($"subscriptions/{subscription}", "cancel_at_period_end=true");
        await api.AllDeliveredAsync();
        var whilePaused = await api.StateOfAsync("pause_then_end");
        await api.AdvanceClockAsync(31);
        await api.AllDeliveredAsync();

        Assert.Equal("Paused", whilePaused);
        Assert.Equal("Canceled", await api.StateOfAsync("pause_then_end"));
    }

    [Fact]
    public async Task A_canceled_subscription_cannot_be_paused()
    {
        using var api = service.Client();
        await api.SubscribeAsync("pause_canceled", "basic");
        using (var cancel = await api.PostJsonAsync("/v1/customers/pause_canceled/subscription/cancel", new { atPeriodEnd = false }))
        {
            await cancel.ReadOkAsync();
        }

        using var response = await api.PostJsonAsync("/v1/customers/pause_canceled/subscription/pause", new { behavior = "void" }, "pause-canceled-1");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("Canceled", await api.StateOfAsync("pause_canceled"));
    }
}
