using System.Net;
using System.Text.Json;
using OrleansBilling.Tests.Http;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.EndToEnd;

/// <summary>
/// The lifecycle as a product and its customer live it: hosted checkout with test cards, time passing
/// on the sandbox clock, and Stripe's events delivered to the real webhook endpoint.
/// </summary>
[Trait(TestKind.Trait, TestKind.EndToEnd)]
public sealed class SubscriptionLifecycleStoryTests(SandboxBillingService service) : IClassFixture<SandboxBillingService>
{
    [Fact]
    public async Task A_basic_checkout_paid_with_a_good_card_is_active_and_entitled_to_basic()
    {
        using var api = service.Client();

        await api.SubscribeAsync("story_basic", "basic", TestCards.Succeeds);

        var entitlements = await api.EntitlementsOfAsync("story_basic");
        Assert.Equal("Active", entitlements.GetProperty("state").GetString());
        Assert.True(entitlements.GetProperty("entitled").GetBoolean());
        Assert.Equal("basic", entitlements.GetProperty("planId").GetString());
        Assert.Equal(
            new Dictionary<string, bool> { ["exports"] = false, ["sso"] = false },
            entitlements.GetProperty("features").Deserialize<Dictionary<string, bool>>());
        Assert.Equal(
            new Dictionary<string, long> { ["seats"] = 1, ["api_calls"] = 1000 },
            entitlements.GetProperty("limits").Deserialize<Dictionary<string, long>>());
    }

    [Theory]
    [InlineData(TestCards.InsufficientFunds)]
    [InlineData(TestCards.Declined)]
    public async Task A_checkout_declined_by_the_card_leaves_the_customer_incomplete_and_not_entitled(string card)
    {
        using var api = service.Client();
        var customer = $"story_declined_{card[^4..]}";
        var session = await api.OpenCheckoutAsync(customer, "basic");

        var declined = await api.PayCheckoutAsync(session, card, HttpStatusCode.PaymentRequired);

        Assert.Equal("card_declined", declined.GetProperty("error").GetProperty("code").GetString());
        var entitlements = await api.EntitlementsOfAsync(customer);
        Assert.Equal("Incomplete", entitlements.GetProperty("state").GetString());
        Assert.False(entitlements.GetProperty("entitled").GetBoolean());
    }

    [Fact]
    public async Task A_customer_lives_through_trial_renewal_failed_payment_recovery_cancellation_and_win_back()
    {
        using var api = service.Client();
        const string customer = "story_pro";

        var before = await api.ClockAsync();
        var stripeCustomer = await api.SubscribeAsync(customer, "pro", TestCards.Succeeds);
        var after = await api.ClockAsync();
        var trial = await api.SubscriptionOfAsync(customer);
        Assert.Equal("Trialing", trial.GetProperty("state").GetString());

        // Stripe's times have whole seconds.
        Assert.InRange(trial.GetProperty("trialEnd").GetDateTimeOffset(), before.AddDays(14).AddSeconds(-1), after.AddDays(14));
        Assert.True((await api.EntitlementsOfAsync(customer)).GetProperty("features").GetProperty("exports").GetBoolean());

        await api.AdvanceClockAsync(days: 15);
        var converted = await api.SubscriptionOfAsync(customer);
        Assert.Equal("Active", converted.GetProperty("state").GetString());
        Assert.Equal("TrialConverted", SandboxApi.Transitions(converted)[^1]);

        await api.AdvanceClockAsync(days: 31);
        var renewed = await api.SubscriptionOfAsync(customer);
        Assert.Equal("Active", renewed.GetProperty("state").GetString());
        Assert.True(renewed.GetProperty("currentPeriodEnd").GetDateTimeOffset() > converted.GetProperty("currentPeriodEnd").GetDateTimeOffset());
        Assert.Equal("Renewed", SandboxApi.Transitions(renewed)[^1]);

        await api.ReplaceCardAsync(stripeCustomer, TestCards.DeclinesAfterCheckout);
        await api.AdvanceClockAsync(days: 31);
        var pastDue = await api.EntitlementsOfAsync(customer);
        Assert.Equal("PastDue", pastDue.GetProperty("state").GetString());
        Assert.True(pastDue.GetProperty("entitled").GetBoolean());

        await api.ReplaceCardAndPayAsync(stripeCustomer, TestCards.Succeeds);
        var recovered = await api.SubscriptionOfAsync(customer);
        Assert.Equal("Active", recovered.GetProperty("state").GetString());
        Assert.Equal("PaymentRecovered", SandboxApi.Transitions(recovered)[^1]);

        using (var cancel = await api.PostJsonAsync($"/v1/customers/{customer}/subscription/cancel", new { atPeriodEnd = true }))
        {
            Assert.Equal("Canceling", (await cancel.ReadOkAsync()).GetProperty("state").GetString());
        }

        Assert.True((await api.EntitlementsOfAsync(customer)).GetProperty("entitled").GetBoolean());
        await api.AdvanceClockAsync(days: 31);
        var canceled = await api.EntitlementsOfAsync(customer);
        Assert.Equal("Canceled", canceled.GetProperty("state").GetString());
        Assert.False(canceled.GetProperty("entitled").GetBoolean());

        await api.SubscribeAsync(customer, "pro", TestCards.Succeeds);
        var wonBack = await api.SubscriptionOfAsync(customer);
        Assert.Equal("Active", wonBack.GetProperty("state").GetString());
        Assert.True((await api.EntitlementsOfAsync(customer)).GetProperty("entitled").GetBoolean());
        Assert.Equal(1, SandboxApi.History(wonBack)[0].GetProperty("sequence").GetInt64());
        Assert.Equal(
            [
                "CheckoutStarted", "TrialStarted", "TrialConverted", "Renewed", "PaymentFailed", "DunningStepTaken", "PaymentRecovered", "CancelScheduled", "Canceled",
                "CheckoutStarted", "WonBack",
            ],
            SandboxApi.Transitions(wonBack));
    }
}
