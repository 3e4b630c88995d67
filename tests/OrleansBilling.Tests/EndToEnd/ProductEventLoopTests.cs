using System.Diagnostics;
using System.Net;
using System.Text.Json;
using OrleansBilling.Tests.Http;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.EndToEnd;

/// <summary>
/// Events to products in the local default, end to end: a customer pays at the sandbox's Stripe, the subscription changes,
/// and its events reach the sandbox's receiver, and a receiver written with another language's Standard Webhooks library.
/// </summary>
[Trait(TestKind.Trait, TestKind.EndToEnd)]
public sealed class ProductEventLoopTests(SandboxBillingService service) : IClassFixture<SandboxBillingService>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_local_default_shows_a_customer_s_events_verified_on_the_sandbox_receiver()
    {
        using var api = service.Client();
        await api.SubscribeAsync("loop_1", "basic");
        await api.AllDeliveredAsync();

        IReadOnlyList<JsonElement> events = [];
        await Poll.UntilAsync(
            async () =>
            {
                events = [.. (await (await api.GetAsync(new Uri("/sandbox/receiver/events", UriKind.Relative), Ct)).ReadOkAsync()).EnumerateArray()
                    .Where(e => e.GetProperty("customer").GetString() == "loop_1")];
                return events.Any(e => e.GetProperty("type").GetString() == "invoice.paid");
            },
            TimeSpan.FromSeconds(20),
            "loop_1's events at the receiver");

        Assert.All(events, e => Assert.True(e.GetProperty("verified").GetBoolean()));
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "subscription.created");
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "entitlements.updated");
        var versions = events.Select(e => e.GetProperty("version").GetInt64()).ToList();
        Assert.Equal(versions.Order(), versions);

        var page = await api.GetStringAsync(new Uri("/sandbox/receiver", UriKind.Relative), Ct);
        Assert.Contains("subscription.created", page, StringComparison.Ordinal);
        Assert.Contains("loop_1", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sandbox_receiver_refuses_what_does_not_verify()
    {
        using var api = service.Client();
        var forged = new HttpRequestMessage(HttpMethod.Post, new Uri("/sandbox/receiver", UriKind.Relative))
        {
            Content = new StringContent("""{"id":"evt_forged","type":"subscription.canceled","customer":"loop_x","version":99}"""),
        };
        forged.Headers.Add("webhook-id", "evt_forged");
        forged.Headers.Add("webhook-timestamp", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        forged.Headers.Add("webhook-signature", "v1," + Convert.ToBase64String(new byte[32]));

        using var response = await api.SendAsync(forged, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var kept = (await (await api.GetAsync(new Uri("/sandbox/receiver/events", UriKind.Relative), Ct)).ReadOkAsync()).EnumerateArray()
            .Single(e => e.GetProperty("id").GetString() == "evt_forged");
        Assert.False(kept.GetProperty("verified").GetBoolean());
        Assert.Equal(JsonValueKind.Null, kept.GetProperty("type").ValueKind);
    }

    [Fact]
    public async Task Events_verify_with_the_reference_library_for_TypeScript_and_it_refuses_them_tampered_replayed_or_under_another_secret()
    {
        using var admin = service.Client(BillingService.AdminKey);
        var port = LoopbackPorts.Take(1)[0];
        using var created = await admin.PostJsonAsync("/admin/v1/products/demo/event-endpoints",
            new { url = $"http://127.0.0.1:{port}/events", eventTypes = new[] { "subscription.created", "invoice.paid", "entitlements.updated" }, description = "node" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var endpoint = await created.ReadJsonAsync();
        var id = endpoint.GetProperty("endpoint").GetProperty("id").GetString();
        var first = endpoint.GetProperty("secret").GetString()!;

        // A rotation under way: both secrets sign, and each must verify alone.
        using var rotated = await admin.PostJsonAsync($"/admin/v1/products/demo/event-endpoints/{id}/rotate-secret?overlap=PT1H", null);
        var second = (await rotated.ReadOkAsync()).GetProperty("secret").GetString()!;

        await NodeTools.PackageAsync("standardwebhooks");
        var script = Path.Combine(NodeTools.RepositoryRoot, "tests", "node", "standard-webhooks-receiver.mjs");
        using var node = Process.Start(new ProcessStartInfo("node", [script, port.ToString(System.Globalization.CultureInfo.InvariantCulture), first, second])
        {
            WorkingDirectory = NodeTools.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        try
        {
            using var probe = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await Poll.UntilAsync(async () => await Answers(probe), TimeSpan.FromSeconds(20), "the node receiver to listen");

            using var api = service.Client();
            await api.SubscribeAsync("node_1", "basic");
            await api.AllDeliveredAsync();

            IReadOnlyList<JsonElement> results = [];
            await Poll.UntilAsync(
                async () =>
                {
                    results = [.. JsonDocument.Parse(await probe.GetStringAsync(new Uri("/results", UriKind.Relative), Ct)).RootElement.EnumerateArray()
                        .Where(r => r.TryGetProperty("customer", out var c) && c.GetString() == "node_1")];
                    return results.Select(r => r.GetProperty("type").GetString()).Distinct().Count() == 3;
                },
                TimeSpan.FromSeconds(20),
                "node_1's three types at the node receiver");

            Assert.All(results, r =>
            {
                Assert.Equal([0, 1], r.GetProperty("verifiedWith").EnumerateArray().Select(i => i.GetInt32()));
                Assert.Equal(2, r.GetProperty("signatures").GetInt32());
                Assert.True(r.GetProperty("idMatches").GetBoolean());
                Assert.True(r.GetProperty("tamperedRefused").GetBoolean());
                Assert.True(r.GetProperty("wrongSecretRefused").GetBoolean());
                Assert.True(r.GetProperty("replayRefused").GetBoolean());
            });
        }
        finally
        {
            node.Kill(entireProcessTree: true);
        }
    }

    private static async Task<bool> Answers(HttpClient probe)
    {
        try
        {
            using var response = await probe.GetAsync(new Uri("/results", UriKind.Relative), Ct);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
