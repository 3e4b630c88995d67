using System.Text.Json;
using OrleansBilling.Silo.Products;
using OrleansBilling.Tests.Http;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.EndToEnd;

/// <summary>
/// Where lifecycle email goes when the product never said: the address the customer gives at the
/// hosted checkout, and later the one Stripe holds after the customer changes it (issue 9, defect 7).
/// </summary>
[Trait(TestKind.Trait, TestKind.EndToEnd)]
public sealed class EmailAddressStoryTests(SandboxBillingService service) : IClassFixture<SandboxBillingService>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_address_given_at_checkout_and_then_changed_at_Stripe_is_where_lifecycle_email_goes()
    {
        using var api = service.Client();
        using var checkout = await api.PostJsonAsync("/v1/checkout", new
        {
            customerId = "email_story",
            plan = "basic",
            successUrl = "https://app.test/welcome",
            cancelUrl = "https://app.test/pricing",
        });
        var session = (await checkout.ReadOkAsync()).GetProperty("sessionId").GetString()!;

        using var paid = await api.PostJsonAsync($"/sandbox/checkout/{session}/complete", new { card = TestCards.Succeeds, email = "eve@example.com" });
        var stripeCustomer = (await paid.ReadOkAsync()).GetProperty("customer").GetString()!;

        await Poll.UntilAsync(async () => (await api.TemplatesSentToAsync("eve@example.com")).Contains("welcome"), Patience, "the welcome email to the address given at checkout");

        await StripePostAsync(api, $"customers/{stripeCustomer}", "email=eve.new@example.com");
        await api.AllDeliveredAsync();
        using var cancel = await api.PostJsonAsync("/v1/customers/email_story/subscription/cancel", new { atPeriodEnd = false });
        var canceled = await cancel.ReadOkAsync();

        await Poll.UntilAsync(async () => (await api.TemplatesSentToAsync("eve.new@example.com")).Contains("subscription_canceled"), Patience, "the cancel email to the changed address");
        Assert.Equal(["welcome"], await api.TemplatesSentToAsync("eve@example.com"));
        var subscription = await api.SubscriptionOfAsync("email_story");
        var history = subscription.GetProperty("recentHistory").EnumerateArray().ToList();
        Assert.Equal(2, history.Count(e => e.GetProperty("name").GetString() == "EmailAddressChanged"));
        Assert.DoesNotContain(history, e => e.GetProperty("name").GetString() == "EmailNotSent");

        // The service knows the address and uses it; no answer of its API carries it (a product holds its own customers' addresses).
        Assert.DoesNotContain("eve", subscription.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("eve", canceled.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A change made at Stripe directly (the dashboard, or the customer in the portal).</summary>
    private static async Task<JsonElement> StripePostAsync(HttpClient api, string path, string form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/sandbox/stripe/v1/{path}")
        {
            Content = new StringContent(form, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Authorization = new("Bearer", "sk_test_sandbox");
        using var response = await api.SendAsync(request, Cancellation);
        return await response.ReadOkAsync();
    }
}
