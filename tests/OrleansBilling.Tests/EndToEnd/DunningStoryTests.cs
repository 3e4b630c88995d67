using System.Text.Json;
using OrleansBilling.Silo.Products;
using OrleansBilling.Tests.Http;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.EndToEnd;

/// <summary>
/// Dunning as a customer whose card stops working lives it on the local default: the renewal fails at
/// the sandbox, the default policy (P0D payment_failed, P3D reminder and retry, P7D suspend, P14D cancel)
/// runs on the sandbox clock, and its emails land in the sandbox mailbox.
/// </summary>
[Trait(TestKind.Trait, TestKind.EndToEnd)]
public sealed class DunningStoryTests(SandboxBillingService service) : IClassFixture<SandboxBillingService>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_card_that_keeps_declining_goes_through_every_step_of_the_default_policy_once_each_in_order()
    {
        using var api = service.Client();
        const string customer = "dunning_story_exhausted";
        var (_, stripeSubscription) = await SubscribeAsync(api, customer, TestCards.DeclinesAfterCheckout);

        await api.AdvanceClockAsync(days: 31);
        var pastDue = await api.EntitlementsOfAsync(customer);
        Assert.Equal("PastDue", pastDue.GetProperty("state").GetString());
        Assert.True(pastDue.GetProperty("entitled").GetBoolean());
        await MailboxShowsAsync(api, customer, "welcome", "payment_failed");
        var dunning = await DunningOfAsync(api, customer);
        Assert.True(dunning.GetProperty("open").GetBoolean());
        var steps = dunning.GetProperty("steps").EnumerateArray().ToList();
        Assert.True(steps[0].GetProperty("taken").GetBoolean());
        Assert.False(steps[1].GetProperty("taken").GetBoolean());
        var invoice = dunning.GetProperty("invoiceId").GetString()!;

        await api.AdvanceClockAsync(days: 3);
        await MailboxShowsAsync(api, customer, "welcome", "payment_failed", "payment_reminder");
        await Poll.UntilAsync(
            async () => (await PayAttemptsAsync(api, invoice)) > 0, Patience, $"a pay attempt of invoice {invoice} at the sandbox");

        await api.AdvanceClockAsync(days: 4);
        await MailboxShowsAsync(api, customer, "welcome", "payment_failed", "payment_reminder", "access_suspended");
        var suspended = await api.EntitlementsOfAsync(customer);
        Assert.Equal("Suspended", suspended.GetProperty("state").GetString());
        Assert.False(suspended.GetProperty("entitled").GetBoolean());

        await api.AdvanceClockAsync(days: 7);
        await MailboxShowsAsync(api, customer, "welcome", "payment_failed", "payment_reminder", "access_suspended", "subscription_canceled");
        await Poll.UntilAsync(
            async () => (await api.StripeGetAsync($"subscriptions/{stripeSubscription}")).GetProperty("status").GetString() == "canceled",
            Patience,
            $"subscription {stripeSubscription} to be canceled at the sandbox");
        await api.AllDeliveredAsync();
        var canceled = await api.EntitlementsOfAsync(customer);
        Assert.Equal("Canceled", canceled.GetProperty("state").GetString());
        Assert.False(canceled.GetProperty("entitled").GetBoolean());
        Assert.False((await DunningOfAsync(api, customer)).GetProperty("open").GetBoolean());
        Assert.Equal(
            ["welcome", "payment_failed", "payment_reminder", "access_suspended", "subscription_canceled"],
            await TemplatesSentToAsync(api, customer));
    }

    [Fact]
    public async Task A_customer_who_replaces_the_card_and_pays_mid_episode_recovers_and_hears_nothing_more_of_dunning()
    {
        using var api = service.Client();
        const string customer = "dunning_story_recovered";
        var (stripeCustomer, _) = await SubscribeAsync(api, customer, TestCards.DeclinesAfterCheckout);
        await api.AdvanceClockAsync(days: 31);
        Assert.Equal("PastDue", await api.StateOfAsync(customer));
        await api.AdvanceClockAsync(days: 3);
        await MailboxShowsAsync(api, customer, "welcome", "payment_failed", "payment_reminder");

        await api.ReplaceCardAndPayAsync(stripeCustomer, TestCards.Succeeds);

        await MailboxShowsAsync(api, customer, "welcome", "payment_failed", "payment_reminder", "payment_recovered");
        var recovered = await api.EntitlementsOfAsync(customer);
        Assert.Equal("Active", recovered.GetProperty("state").GetString());
        Assert.True(recovered.GetProperty("entitled").GetBoolean());
        Assert.False((await DunningOfAsync(api, customer)).GetProperty("open").GetBoolean());

        await api.AdvanceClockAsync(days: 12);
        await api.AllDeliveredAsync();
        Assert.Equal("Active", await api.StateOfAsync(customer));
        Assert.False((await DunningOfAsync(api, customer)).GetProperty("open").GetBoolean());
        Assert.Equal(
            ["welcome", "payment_failed", "payment_reminder", "payment_recovered"],
            await TemplatesSentToAsync(api, customer));
    }

    /// <summary>Checkout opened by the product and paid with <paramref name="card"/>: the Stripe customer and subscription.</summary>
    private static async Task<(string Customer, string Subscription)> SubscribeAsync(HttpClient api, string customer, string card)
    {
        var session = await api.OpenCheckoutAsync(customer, "basic");
        var paid = await api.PayCheckoutAsync(session, card);
        return (paid.GetProperty("customer").GetString()!, paid.GetProperty("subscription").GetString()!);
    }

    /// <summary>Waits until the customer's mailbox holds exactly <paramref name="templates"/>, in order.</summary>
    private static async Task MailboxShowsAsync(HttpClient api, string customer, params string[] templates)
    {
        IReadOnlyList<string> seen = [];
        try
        {
            await Poll.UntilAsync(
                async () => (seen = await TemplatesSentToAsync(api, customer)).SequenceEqual(templates),
                Patience,
                $"the mailbox of {customer} to hold {string.Join(", ", templates)}");
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException($"{exception.Message} It holds: {string.Join(", ", seen)}.", exception);
        }
    }

    /// <summary>The templates of the emails that reached the customer's address, oldest first.</summary>
    private static Task<IReadOnlyList<string>> TemplatesSentToAsync(HttpClient api, string customer) => api.TemplatesSentToAsync($"{customer}@example.com");

    private static async Task<JsonElement> DunningOfAsync(HttpClient api, string customer)
    {
        using var response = await api.GetAsync(new Uri($"/v1/customers/{customer}/dunning", UriKind.Relative), Cancellation);
        return await response.ReadOkAsync();
    }

    /// <summary>How many times Stripe.net asked the sandbox to pay <paramref name="invoice"/>.</summary>
    private static async Task<int> PayAttemptsAsync(HttpClient api, string invoice)
    {
        using var response = await api.GetAsync(new Uri("/sandbox/requests", UriKind.Relative), Cancellation);
        return (await response.ReadOkAsync()).EnumerateArray().Count(r =>
            r.GetProperty("method").GetString() == "POST" && r.GetProperty("path").GetString() == $"/v1/invoices/{invoice}/pay");
    }
}
