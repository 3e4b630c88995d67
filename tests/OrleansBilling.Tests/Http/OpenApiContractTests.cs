using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Http;

/// <summary>
/// The API document is the API: every operation called as the README calls it, each request and each
/// answer checked against <c>/openapi/v1.json</c> as a validating proxy would, and the document linted
/// by an independent tool (Redocly's CLI, from npm). Every other HTTP test has its answers checked too
/// (<see cref="ContractCheckingHandler"/>).
/// </summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class OpenApiContractTests(BillingService service) : IClassFixture<BillingService>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_operation_answers_as_the_document_says_to_requests_shaped_as_the_document_says()
    {
        var contract = await OpenApiContract.OfAsync(service.BaseAddress);
        var called = new List<string>();
        using var api = Client(BillingService.DemoApiKey);
        using var bootstrap = Client(BillingService.AdminKey);
        using var admin = Client(await bootstrap.IssueStaffTokenAsync("sam", GrainInterfaces.Staff.StaffRole.Admin));
        await service.ActivateAsync(service.Client(), "tour_1");

        async Task<JsonElement> Call(HttpClient client, HttpMethod method, string path, object? body = null, HttpStatusCode expected = HttpStatusCode.OK)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            using var response = await client.SendAsync(request, Cancellation);
            var text = await response.Content.ReadAsStringAsync(Cancellation);
            Assert.True(response.StatusCode == expected, $"{method} {path} answered {(int)response.StatusCode}: {text}");
            called.Add(contract.OperationOf(method.Method, new Uri(service.BaseAddress, path).AbsolutePath) ?? $"{method} {path} (not in the document)");
            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }

        await Call(api, HttpMethod.Post, "/v1/checkout", new
        {
            customerId = "tour_2", plan = "pro", successUrl = "https://example.com/ok", cancelUrl = "https://example.com/no", email = "ada@example.com",
        });
        await Call(api, HttpMethod.Get, "/v1/customers/tour_1/entitlements");
        await Call(api, HttpMethod.Post, "/v1/entitlements:batch", new { customerIds = new[] { "tour_1", "tour_2" } });
        await Call(api, HttpMethod.Post, "/v1/customers/tour_1/usage", new { meter = "api_calls", quantity = 3, idempotencyKey = "tour-u1" });
        await Call(api, HttpMethod.Post, "/v1/usage", new { events = new[] { new { customerId = "tour_1", meter = "api_calls", quantity = 2, idempotencyKey = "tour-u2" } } });
        await Call(api, HttpMethod.Get, "/v1/customers/tour_1/subscription");
        await Call(api, HttpMethod.Get, "/v1/customers/tour_1/dunning");
        await Call(api, HttpMethod.Post, "/v1/customers/tour_1/subscription/plan", new { plan = "pro" });
        await Call(api, HttpMethod.Post, "/v1/customers/tour_1/subscription/cancel", new { atPeriodEnd = true });
        await Call(api, HttpMethod.Post, "/v1/customers/tour_1/subscription/resume");
        await Call(api, HttpMethod.Post, "/v1/customers/tour_1/subscription/pause", new { behavior = "void" });
        await Call(api, HttpMethod.Post, "/v1/customers/tour_1/subscription/resume");
        await Call(api, HttpMethod.Get, "/v1/customers/tour_1/subscription/plan/preview?plan=basic&proration=create_prorations");
        await Call(api, HttpMethod.Post, "/v1/customers/tour_1/subscription/plan", new { plan = "basic", at = "period_end" });
        await Call(api, HttpMethod.Delete, "/v1/customers/tour_1/subscription/plan/scheduled");
        await Call(api, HttpMethod.Post, "/v1/customers/tour_1/portal", new { returnUrl = "https://example.com/account" });
        await Call(api, HttpMethod.Get, "/v1/customers/tour_1/invoices");

        var granted = await Call(admin, HttpMethod.Post, "/admin/v1/products/demo/customers/tour_1/overrides", new
        {
            feature = "sso", value = true, reason = "pilot", expiresAt = service.Clock.GetUtcNow().AddDays(30),
        });
        await Call(admin, HttpMethod.Get, "/admin/v1/products/demo/customers/tour_1/overrides");
        await Call(admin, HttpMethod.Delete, $"/admin/v1/products/demo/customers/tour_1/overrides/{granted.GetProperty("id").GetString()}");
        await Call(admin, HttpMethod.Get, "/admin/v1/products/demo/customers/tour_1/history?limit=50");
        using (var refunds = Client(await bootstrap.IssueStaffTokenAsync("fin", GrainInterfaces.Staff.StaffRole.Finance)))
        {
            // The recording provider knows no payment: the refund's documented 404.
            refunds.DefaultRequestHeaders.Add("Idempotency-Key", "tour-refund-1");
            await Call(refunds, HttpMethod.Post, "/admin/v1/products/demo/customers/tour_1/refunds", new { invoice = "in_tour", amount = 100, reason = "tour" }, HttpStatusCode.NotFound);
        }

        await Call(admin, HttpMethod.Get, "/admin/v1/anomalies");
        await Call(admin, HttpMethod.Put, "/admin/v1/products/demo/dunning", new
        {
            steps = new object[]
            {
                new { after = "P0D", action = "email", template = "payment_failed" },
                new { after = "P3D", action = "email", template = "payment_reminder", retryPayment = true },
                new { after = "P7D", action = "cancel", template = "subscription_canceled" },
            },
        });
        await Call(admin, HttpMethod.Get, "/admin/v1/products/demo/dunning");
        await Call(admin, HttpMethod.Get, "/admin/v1/products/demo/dunning/preview?start=2027-01-01T00:00:00Z");
        var key = await Call(admin, HttpMethod.Post, "/admin/v1/products/demo/api-keys");
        await Call(admin, HttpMethod.Get, "/admin/v1/products/demo/api-keys");
        var rotated = await Call(admin, HttpMethod.Post, $"/admin/v1/products/demo/api-keys/{key.GetProperty("id").GetString()}/rotate?overlap=PT1H");
        await Call(admin, HttpMethod.Delete, $"/admin/v1/products/demo/api-keys/{rotated.GetProperty("id").GetString()}", expected: HttpStatusCode.NoContent);
        var endpoint = await Call(admin, HttpMethod.Post, "/admin/v1/products/demo/event-endpoints",
            new { url = "https://hooks.example.com/billing", eventTypes = new[] { "subscription.updated", "entitlements.updated" }, description = "CRM" }, HttpStatusCode.Created);
        var endpointPath = $"/admin/v1/products/demo/event-endpoints/{endpoint.GetProperty("endpoint").GetProperty("id").GetString()}";
        await Call(admin, HttpMethod.Get, "/admin/v1/products/demo/event-endpoints");
        await Call(admin, HttpMethod.Get, endpointPath);
        await Call(admin, HttpMethod.Patch, endpointPath, new { enabled = false, reason = "CRM maintenance" });
        await Call(admin, HttpMethod.Post, $"{endpointPath}/rotate-secret?overlap=PT1H");
        await Call(admin, HttpMethod.Get, $"{endpointPath}/deliveries?status=Failed&limit=10");
        await Call(admin, HttpMethod.Get, $"{endpointPath}/deliveries/evt_none/attempts");
        await Call(admin, HttpMethod.Post, $"{endpointPath}/replay", new { from = "2026-10-01T00:00:00Z", to = "2026-10-31T00:00:00Z" });
        await Call(admin, HttpMethod.Delete, endpointPath, expected: HttpStatusCode.NoContent);
        await PostSignedEventAsync(contract, called);
        await Call(admin, HttpMethod.Post, "/admin/v1/stripe-events/evt_tour/rerun");
        var token = await Call(admin, HttpMethod.Post, "/admin/v1/staff/tokens", new { person = "tour.guest", role = "Support" });
        await Call(admin, HttpMethod.Get, "/admin/v1/staff/tokens");
        await Call(admin, HttpMethod.Delete, $"/admin/v1/staff/tokens/{token.GetProperty("id").GetString()}");
        foreach (var report in new[] { "mrr", "movements", "churn", "ltv", "states", "dunning", "trials", "total" })
        {
            await Call(admin, HttpMethod.Get, $"/admin/v1/reports/{report}?from=2026-10-01&to=2026-12-31&interval=month");
        }

        var found = await Call(admin, HttpMethod.Get, "/admin/v1/customers?q=tour_");
        Assert.Equal(["tour_1", "tour_2"], found.EnumerateArray().Select(m => m.GetProperty("customerId").GetString()).Order(StringComparer.Ordinal));

        // Every staff call about tour_1, newest first: reads and actions, each with its person and outcome.
        var audit = await Call(admin, HttpMethod.Get, "/admin/v1/audit?product=demo&customer=tour_1");
        Assert.Equal(
            ["fin refund Refused", "sam list-history Viewed", "sam remove-override Succeeded", "sam list-overrides Viewed", "sam grant-override Succeeded"],
            audit.EnumerateArray().Select(r => $"{r.GetProperty("person").GetString()} {r.GetProperty("action").GetString()} {r.GetProperty("outcome").GetString()}"));

        Assert.Equal(contract.Operations.Order(StringComparer.Ordinal), called.Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_document_is_lint_clean_for_an_independent_linter()
    {
        using var client = service.Client(apiKey: null);
        var document = Path.Combine(Path.GetTempPath(), $"openapi-{Guid.NewGuid():N}.json");
        await System.IO.File.WriteAllTextAsync(document, await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), Cancellation), Cancellation);
        try
        {
            var redocly = await NodeTools.CommandAsync("redocly");

            var (exit, output) = await NodeTools.RunAsync(redocly, ["lint", document, "--format=stylish"], NodeTools.RepositoryRoot, TimeSpan.FromMinutes(2));

            Assert.True(exit == 0, output);
            Assert.DoesNotContain("warning", output.Replace("Deprecation warning", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            System.IO.File.Delete(document);
        }
    }

    [Fact]
    public async Task Every_operation_requires_the_credential_of_its_surface()
    {
        var contract = await OpenApiContract.OfAsync(service.BaseAddress);

        foreach (var (path, item) in contract.Document["paths"]!.AsObject())
        {
            var expected = path.StartsWith("/v1/", StringComparison.Ordinal) ? "productKey"
                : path.StartsWith("/admin/", StringComparison.Ordinal) ? "adminKey"
                : "stripeSignature";
            foreach (var (method, operation) in item!.AsObject())
            {
                var schemes = operation!["security"]!.AsArray().SelectMany(requirement => requirement!.AsObject().Select(s => s.Key));
                Assert.True(schemes.SequenceEqual([expected]), $"{method} {path} requires {expected}");
            }
        }

        var declared = contract.Document["components"]!["securitySchemes"]!.AsObject();
        Assert.Equal(("http", "bearer"), (declared["productKey"]!["type"]!.GetValue<string>(), declared["productKey"]!["scheme"]!.GetValue<string>()));
        Assert.Equal(("apiKey", "header", "Stripe-Signature"), (declared["stripeSignature"]!["type"]!.GetValue<string>(), declared["stripeSignature"]!["in"]!.GetValue<string>(), declared["stripeSignature"]!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task The_document_names_no_server_from_the_callers_host_header()
    {
        using var client = service.Client(apiKey: null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        request.Headers.Host = "attacker.example";

        using var response = await client.SendAsync(request, Cancellation);

        var servers = (await response.ReadOkAsync()).GetProperty("servers");
        Assert.Equal(["/"], servers.EnumerateArray().Select(s => s.GetProperty("url").GetString()));
    }

    /// <summary>Stripe's call: an event signed with the endpoint's secret (for a customer this service does not know: answered 2xx all the same).</summary>
    private async Task PostSignedEventAsync(OpenApiContract contract, List<string> called)
    {
        using var stripe = Client(apiKey: null);
        var json = StripeEvents.Json("evt_tour", "customer.subscription.updated", StripeEvents.Subscription("sub_tour", "demo", "nobody_here"), DateTimeOffset.UtcNow);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("Stripe-Signature", StripeEvents.Signature(json, BillingService.WebhookSecret, DateTimeOffset.UtcNow));

        using var response = await stripe.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        called.Add(contract.OperationOf("POST", "/webhooks/stripe")!);
    }

    /// <summary>A client whose requests the API accepts are checked against the document as well as its answers.</summary>
    private HttpClient Client(string? apiKey)
    {
        var client = new HttpClient(new ContractCheckingHandler(service.BaseAddress, checkRequests: true)) { BaseAddress = service.BaseAddress };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }
}
