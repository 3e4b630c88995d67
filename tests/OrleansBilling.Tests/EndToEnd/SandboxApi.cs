using System.Net;
using System.Text.Json;
using OrleansBilling.Tests.Http;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.EndToEnd;

/// <summary>
/// What the end-to-end tests do over HTTP besides the product API: what a customer does on the
/// sandbox's hosted pages (pay a checkout, replace a card), and what Stripe does (move time, deliver
/// events again).
/// </summary>
internal static class SandboxApi
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>A product opens a checkout for its customer; the answer names the hosted session.</summary>
    public static async Task<string> OpenCheckoutAsync(this HttpClient api, string customerId, string plan)
    {
        using var response = await api.PostJsonAsync("/v1/checkout", BillingApi.Checkout(customerId, plan));
        var checkout = await response.ReadOkAsync();
        return checkout.GetProperty("sessionId").GetString()!;
    }

    /// <summary>The customer pays the hosted checkout with a card: 200 when paid, 402 with the card error when declined.</summary>
    public static async Task<JsonElement> PayCheckoutAsync(this HttpClient client, string sessionId, string card, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.PostJsonAsync($"/sandbox/checkout/{sessionId}/complete", new { card });
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == expected, $"Paying checkout {sessionId} answered {(int)response.StatusCode}: {body}");
        return body;
    }

    /// <summary>Checkout opened by the product and paid by the customer; returns the Stripe customer id.</summary>
    public static async Task<string> SubscribeAsync(this HttpClient api, string customerId, string plan, string card = TestCards.Succeeds)
    {
        var session = await api.OpenCheckoutAsync(customerId, plan);
        var paid = await api.PayCheckoutAsync(session, card);
        return paid.GetProperty("customer").GetString()!;
    }

    /// <summary>Checkout opened by the product and paid by the customer; returns the Stripe subscription's id.</summary>
    public static async Task<string> SubscribeToStripeSubscriptionAsync(this HttpClient api, string customerId, string plan = "basic", string card = TestCards.Succeeds)
    {
        var session = await api.OpenCheckoutAsync(customerId, plan);
        var paid = await api.PayCheckoutAsync(session, card);
        return paid.GetProperty("subscription").GetString()!;
    }

    /// <summary>An object as Stripe's API shows it to anyone with a test key.</summary>
    public static async Task<JsonElement> StripeGetAsync(this HttpClient api, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/sandbox/stripe/v1/{path}");
        request.Headers.Authorization = new("Bearer", "sk_test_e2e");
        using var response = await api.SendAsync(request, Cancellation);
        return await response.ReadOkAsync();
    }

    /// <summary>A change made at Stripe by someone else than the service (its dashboard, the customer portal), form-encoded as Stripe takes it.</summary>
    public static async Task<JsonElement> StripePostAsync(this HttpClient api, string path, string? form = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/sandbox/stripe/v1/{path}")
        {
            Content = new StringContent(form ?? "", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Authorization = new("Bearer", "sk_test_e2e");
        using var response = await api.SendAsync(request, Cancellation);
        return await response.ReadOkAsync();
    }

    /// <summary>The customer replaces the card on file; open invoices stay open.</summary>
    public static async Task ReplaceCardAsync(this HttpClient client, string stripeCustomerId, string card)
    {
        using var response = await client.PostJsonAsync($"/sandbox/customers/{stripeCustomerId}/card", new { number = card });
        await response.ReadOkAsync();
    }

    /// <summary>The customer replaces the card and, as the hosted portal does, pays the open invoices with it.</summary>
    public static async Task ReplaceCardAndPayAsync(this HttpClient client, string stripeCustomerId, string card)
    {
        using var response = await client.PostJsonAsync($"/sandbox/customers/{stripeCustomerId}/card", new { number = card, pay_open_invoices = true });
        await response.ReadOkAsync();
    }

    /// <summary>
    /// Moves the sandbox clock once Stripe has delivered what earlier calls caused; everything that falls due
    /// on the way is run and its events delivered before this returns.
    /// </summary>
    public static async Task AdvanceClockAsync(this HttpClient client, double days)
    {
        await client.AllDeliveredAsync();
        using var response = await client.PostJsonAsync("/sandbox/clock/advance", new { days });
        await response.ReadOkAsync();
    }

    /// <summary>The sandbox's (and so the service's billing) time.</summary>
    public static async Task<DateTimeOffset> ClockAsync(this HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/sandbox/clock", UriKind.Relative), Cancellation);
        return (await response.ReadOkAsync()).GetProperty("now").GetDateTimeOffset();
    }

    /// <summary>Stripe sends every event so far again: <c>{"sent": n, "succeeded": n}</c>.</summary>
    public static async Task<JsonElement> RedeliverAllAsync(this HttpClient client, int duplicates, int seed)
    {
        using var response = await client.PostJsonAsync("/sandbox/events/redeliver", new { shuffle = true, duplicates, seed });
        return await response.ReadOkAsync();
    }

    /// <summary>How the sandbox's own delivery went: <c>delivered</c>, <c>pending_retry</c>, <c>failed</c>, <c>last_errors</c>.</summary>
    public static async Task<JsonElement> WebhookDeliveryAsync(this HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/sandbox/webhooks", UriKind.Relative), Cancellation);
        return await response.ReadOkAsync();
    }

    /// <summary>
    /// Waits until the sandbox has delivered every event so far: Stripe answers an API call first and
    /// delivers its events after, and failed deliveries are retried in the background.
    /// </summary>
    public static Task AllDeliveredAsync(this HttpClient client) =>
        Poll.UntilAsync(
            async () => (await client.WebhookDeliveryAsync()).GetProperty("pending").GetInt32() == 0,
            TimeSpan.FromSeconds(30),
            "the sandbox to deliver every event");

    /// <summary>
    /// The demo product's templates of the emails that reached <paramref name="address"/> in the sandbox's
    /// mailbox, oldest first; each email must be tagged with its template and the product.
    /// </summary>
    public static async Task<IReadOnlyList<string>> TemplatesSentToAsync(this HttpClient api, string address)
    {
        var names = OrleansBilling.Silo.Products.DemoProduct.Definition.EmailTemplates.ToDictionary(t => t.Value, t => t.Key);
        using var response = await api.GetAsync(new Uri("/sandbox/emails", UriKind.Relative), Cancellation);
        var templates = new List<string>();
        foreach (var email in (await response.ReadOkAsync()).EnumerateArray()
            .Where(e => e.GetProperty("to").EnumerateArray().Any(to => to.GetProperty("email").GetString() == address)))
        {
            var template = names[email.GetProperty("templateId").GetInt64()];
            Assert.Equal([template, OrleansBilling.Silo.Products.DemoProduct.Id], email.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
            templates.Add(template);
        }

        return templates;
    }

    /// <summary>
    /// Waits until Stripe's meter has every usage event of <paramref name="identifiers"/>, moving the sandbox clock ten
    /// seconds at a time so the usage grains' timers come due and forward them.
    /// </summary>
    public static Task UntilAtStripeMeterAsync(this HttpClient api, OrleansBilling.Sandbox.SandboxControl sandbox, IEnumerable<string> identifiers)
    {
        var wanted = identifiers.ToHashSet(StringComparer.Ordinal);
        return Poll.UntilAsync(
            async () =>
            {
                await api.AdvanceClockAsync(days: 10.0 / 86400);
                return wanted.IsSubsetOf(sandbox.MeterEvents.Select(e => e.Identifier));
            },
            TimeSpan.FromSeconds(30),
            "the usage at Stripe's meter");
    }

    /// <summary>The subscription's state as the product API shows it.</summary>
    public static async Task<string> StateOfAsync(this HttpClient api, string customerId) =>
        (await api.SubscriptionOfAsync(customerId)).GetProperty("state").GetString()!;

    /// <summary>The history entries the product API shows, oldest first.</summary>
    public static IReadOnlyList<JsonElement> History(JsonElement subscription) =>
        [.. subscription.GetProperty("recentHistory").EnumerateArray().Reverse()];

    /// <summary>The names of the transitions in the history the product API shows, oldest first.</summary>
    public static IReadOnlyList<string> Transitions(JsonElement subscription) =>
        [.. History(subscription).Where(e => e.GetProperty("kind").GetString() == "Transition").Select(e => e.GetProperty("name").GetString()!)];
}
