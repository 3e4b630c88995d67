using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Payments;
using OrleansBilling.Silo.Products;
using OrleansBilling.Tests.Infrastructure;
using OrleansBilling.GrainInterfaces.Staff;
using Xunit;

namespace OrleansBilling.Tests.Http;

/// <summary>
/// What the HTTP tests share: requests as a product service sends them, problem details as it
/// reads them, and the arrange steps that put a customer into a state.
/// </summary>
internal static class BillingApi
{
    public const string ProblemJson = "application/problem+json";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>A complete, valid checkout body.</summary>
    public static object Checkout(string customerId, string plan = "basic") => new
    {
        customerId,
        plan,
        successUrl = "https://app.test/welcome",
        cancelUrl = "https://app.test/pricing",
        email = $"{customerId}@example.com",
    };

    /// <summary>POSTs <paramref name="body"/> as JSON, with an <c>Idempotency-Key</c> when one is given.</summary>
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object? body, string? idempotencyKey = null) =>
        client.PostContentAsync(path, JsonContent.Create(body), idempotencyKey);

    /// <summary>POSTs <paramref name="json"/> exactly as written, well-formed or not.</summary>
    public static Task<HttpResponseMessage> PostRawJsonAsync(this HttpClient client, string path, string json, string? idempotencyKey = null) =>
        client.PostContentAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), idempotencyKey);

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);

    /// <summary>Asserts a 200 and returns its JSON body.</summary>
    public static async Task<JsonElement> ReadOkAsync(this HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200 but got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Cancellation)}");
        return await response.ReadJsonAsync();
    }

    /// <summary>Asserts an RFC 9457 problem with <paramref name="status"/> and <paramref name="type"/>, and returns it.</summary>
    public static async Task<JsonElement> ReadProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string type)
    {
        var problem = await response.ReadProblemAsync(status);
        Assert.Equal(type, problem.GetProperty("type").GetString());
        return problem;
    }

    /// <summary>Asserts an RFC 9457 problem with <paramref name="status"/>, whatever its type, and returns it.</summary>
    public static async Task<JsonElement> ReadProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    /// <summary>The customer's subscription as <c>GET /v1/customers/{id}/subscription</c> shows it.</summary>
    public static async Task<JsonElement> SubscriptionOfAsync(this HttpClient client, string customerId)
    {
        using var response = await client.GetAsync($"/v1/customers/{customerId}/subscription", Cancellation);
        return await response.ReadOkAsync();
    }

    /// <summary>The customer's entitlements as <c>GET /v1/customers/{id}/entitlements</c> shows them.</summary>
    public static async Task<JsonElement> EntitlementsOfAsync(this HttpClient client, string customerId)
    {
        using var response = await client.GetAsync($"/v1/customers/{customerId}/entitlements", Cancellation);
        return await response.ReadOkAsync();
    }

    /// <summary>Arrange: a checkout for the plan over HTTP, so the customer is <c>Incomplete</c>.</summary>
    public static async Task StartCheckoutAsync(this HttpClient client, string customerId, string plan = "basic")
    {
        using var response = await client.PostJsonAsync("/v1/checkout", Checkout(customerId, plan));
        await response.ReadOkAsync();
    }

    /// <summary>
    /// Arrange: checkout over HTTP, then the provider's activation applied to the grain directly
    /// (the webhook endpoint is not there yet). The provider subscription is <c>sub_{customerId}</c>.
    /// </summary>
    public static async Task ActivateAsync(this BillingService service, HttpClient client, string customerId)
    {
        await client.StartCheckoutAsync(customerId);
        var now = service.Clock.GetUtcNow();
        var outcome = await service.Subscription(customerId).ApplyProviderEvent(new ProviderEvent(
            $"evt_{customerId}_activated",
            ProviderEventKind.SubscriptionActivated,
            now,
            ProviderSubscriptionId: ProviderSubscriptionOf(customerId),
            PlanId: "basic",
            PeriodStart: now,
            PeriodEnd: now.AddMonths(1)));
        Assert.Equal(EventOutcomeKind.Applied, outcome.Kind);
    }

    /// <summary>Arrange: an active customer whose renewal payment failed, so dunning has begun.</summary>
    public static async Task MakePastDueAsync(this BillingService service, HttpClient client, string customerId)
    {
        await service.ActivateAsync(client, customerId);
        service.Payments.Invoices[$"in_{customerId}_2"] = new ProviderInvoice(
            $"in_{customerId}_2", ProviderSubscriptionOf(customerId), "open", 900, 0, "usd", service.Clock.GetUtcNow(), null, null, null, null);
        var outcome = await service.Subscription(customerId).ApplyProviderEvent(new ProviderEvent(
            $"evt_{customerId}_payment_failed",
            ProviderEventKind.InvoicePaymentFailed,
            service.Clock.GetUtcNow(),
            ProviderSubscriptionId: ProviderSubscriptionOf(customerId),
            InvoiceId: $"in_{customerId}_2"));
        Assert.Equal(EventOutcomeKind.Applied, outcome.Kind);
    }

    /// <summary>A client of the admin API as one member of staff, with a token the bootstrap admin key issued.</summary>
    public static async Task<HttpClient> StaffAsync(this BillingService service, string person, StaffRole role = StaffRole.Admin)
    {
        using var bootstrap = service.Client(BillingService.AdminKey);
        return service.Client(await bootstrap.IssueStaffTokenAsync(person, role));
    }

    /// <summary>A staff token for <paramref name="person"/>, issued by the admin <paramref name="admin"/> calls as.</summary>
    public static async Task<string> IssueStaffTokenAsync(this HttpClient admin, string person, StaffRole role)
    {
        using var response = await admin.PostAsJsonAsync("/admin/v1/staff/tokens", new { person, role = role.ToString() }, TestContext.Current.CancellationToken);
        return (await response.ReadOkAsync()).GetProperty("token").GetString()!;
    }

    /// <summary>The provider subscription id <see cref="ActivateAsync"/> gives a customer.</summary>
    public static string ProviderSubscriptionOf(string customerId) => $"sub_{customerId}";

    private static ISubscriptionGrain Subscription(this BillingService service, string customerId) =>
        service.Grains.GetGrain<ISubscriptionGrain>(BillingIds.SubscriptionKey(DemoProduct.Id, customerId));

    private static async Task<HttpResponseMessage> PostContentAsync(this HttpClient client, string path, HttpContent content, string? idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = content };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await client.SendAsync(request, Cancellation);
    }
}
