using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.EndToEnd;

/// <summary>The local default with the failed-attempt allowance out of the way, so every fuzzed request reaches its operation.</summary>
public sealed class FuzzedService : BillingService
{
    protected override bool UseSandbox => true;

    protected override IEnumerable<string> Arguments() => ["--Billing:FailedAttempts:Burst=100000", "--Billing:FailedAttempts:Refill=100000"];
}

/// <summary>
/// Every operation of the OpenAPI document, fuzzed against the local default (Stripe.net against the
/// sandbox, so input that slips past the service's checks reaches a real client): hostile ids, query
/// values and bodies, sometimes no credential or a wrong one. Whatever comes in, the answer is below
/// 500, every error is an RFC 9457 problem whose <c>status</c> is the response's, and every answer is
/// one the document declares. Seeded: <c>BILLING_FUZZ_SEED</c> replays another run's requests.
/// </summary>
[Trait(TestKind.Trait, TestKind.EndToEnd)]
public sealed class OpenApiFuzzTests(FuzzedService service) : IClassFixture<FuzzedService>
{
    private const int DefaultSeed = 10_2026;
    private const int RequestsPerOperation = 36;

    private static readonly Dictionary<string, string[]> Plausible = new(StringComparer.Ordinal)
    {
        ["customerId"] = ["fz_1", "fz_2", "fz_new"],
        ["customerIds"] = ["fz_1", "fz_2"],
        ["productId"] = ["demo", "demo", "elsewhere"],
        ["eventId"] = ["evt_fuzz_1", "evt_unknown"],
        ["keyId"] = ["key_unknown", "0"],
        ["overrideId"] = ["ovr_unknown"],
        ["plan"] = ["pro", "starter", "nope"],
        ["meter"] = ["api_calls", "seats", "nope"],
        ["successUrl"] = ["https://example.com/ok"],
        ["cancelUrl"] = ["https://example.com/no"],
        ["returnUrl"] = ["https://example.com/account"],
        ["email"] = ["ada@example.com"],
        ["idempotencyKey"] = ["fuzz-1", "fuzz-2"],
        ["proration"] = ["create_prorations", "none", "always_invoice"],
        ["after"] = ["P0D", "P3D", "PT12H"],
        ["action"] = ["email", "suspend", "cancel"],
        ["template"] = ["payment_failed", "payment_reminder"],
        ["feature"] = ["sso"],
        ["limit"] = ["50", "api_calls"],
        ["reason"] = ["pilot"],
        ["start"] = ["2027-01-01T00:00:00Z"],
        ["before"] = ["2027-01-01T00:00:00Z"],
        ["overlap"] = ["PT1H", "P1D"],
        ["type"] = ["customer.subscription.updated", "invoice.paid"],
        ["id"] = ["evt_fuzz_1"],
    };

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Hostile_requests_to_every_operation_are_answered_below_500_and_every_error_is_a_problem()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("BILLING_FUZZ_SEED"), CultureInfo.InvariantCulture, out var chosen) ? chosen : DefaultSeed;
        var random = new Random(seed);
        var contract = await OpenApiContract.OfAsync(service.BaseAddress);
        using var api = service.Client();
        await api.SubscribeAsync("fz_1", "pro");
        var fuzzer = new RequestFuzzer(contract, random, Plausible);
        using var http = new HttpClient(new ContractCheckingHandler(service.BaseAddress)) { BaseAddress = service.BaseAddress };
        var failures = new List<string>();
        var answered = new Dictionary<int, int>();

        foreach (var (method, template, operation) in contract.Described)
        {
            for (var i = 0; i < RequestsPerOperation; i++)
            {
                var fuzzed = fuzzer.Next(method, template, operation);
                using var request = Request(fuzzed, template, random);
                try
                {
                    using var response = await http.SendAsync(request, Cancellation);
                    var status = (int)response.StatusCode;
                    answered[status] = answered.GetValueOrDefault(status) + 1;
                    var body = await response.Content.ReadAsStringAsync(Cancellation);
                    if (Wrong(response, body) is { } wrong)
                    {
                        failures.Add($"{fuzzed} → {status}: {wrong}");
                    }
                }
                catch (OpenApiContractException e)
                {
                    failures.Add($"{fuzzed} → {e.Message}");
                }
            }
        }

        var summary = string.Join(", ", answered.OrderBy(a => a.Key).Select(a => $"{a.Key}×{a.Value}"));
        Assert.True(failures.Count == 0, $"Seed {seed} ({summary}): {failures.Count} wrong answers:\n{string.Join('\n', failures.Take(25))}");
        Assert.True(answered.Where(a => a.Key is >= 200 and < 300).Sum(a => a.Value) > 0, $"Seed {seed}: nothing got through ({summary})");
    }

    /// <summary>What is wrong with an answer to hostile input; null when nothing is.</summary>
    private static string? Wrong(HttpResponseMessage response, string body)
    {
        var status = (int)response.StatusCode;
        if (status >= 500)
        {
            return body;
        }

        if (status < 400 || (body.Length == 0 && response.Headers.ConnectionClose == true))
        {
            // Below 400 the document's own check applies; an empty close is Kestrel refusing before the API.
            return null;
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return $"an error of type {response.Content.Headers.ContentType?.MediaType ?? "(none)"}: {body}";
        }

        using var problem = JsonDocument.Parse(body);
        var root = problem.RootElement;
        return root.TryGetProperty("status", out var declared) && declared.GetInt32() == status
            && root.TryGetProperty("title", out var title) && title.GetString() is { Length: > 0 }
            && root.TryGetProperty("type", out var type) && type.GetString() is { Length: > 0 }
                ? null
                : $"a problem without its status, title or type: {body}";
    }

    /// <summary>The fuzzed request with a credential: mostly the right one for its surface, sometimes none or a wrong one.</summary>
    private static HttpRequestMessage Request(FuzzedRequest fuzzed, string template, Random random)
    {
        var request = new HttpRequestMessage(new HttpMethod(fuzzed.Method), fuzzed.Target);
        if (fuzzed.Body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(fuzzed.Body));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(fuzzed.MediaType!);
            request.Headers.ExpectContinue = true;
        }

        var credential = random.Next(10);
        if (template.StartsWith("/webhooks/", StringComparison.Ordinal))
        {
            var now = DateTimeOffset.UtcNow;
            request.Headers.TryAddWithoutValidation("Stripe-Signature", credential switch
            {
                0 => "t=1,v1=00",
                1 => StripeEvents.Signature(fuzzed.Body ?? "", "whsec_wrong", now),
                _ => StripeEvents.Signature(fuzzed.Body ?? "", BillingService.WebhookSecret, now),
            });
            return request;
        }

        var admin = template.StartsWith("/admin/", StringComparison.Ordinal);
        if (credential > 0)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential == 1 ? "bk_wrong_but_well_formed_key" : admin ? BillingService.AdminKey : BillingService.DemoApiKey);
        }

        if (random.Next(4) == 0)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", random.Next(3) == 0 ? new string('k', 400) : $"fuzz-{random.Next(5)}");
        }

        return request;
    }
}
