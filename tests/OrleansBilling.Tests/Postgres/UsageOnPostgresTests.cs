using OrleansBilling.Silo.Hosting;
using OrleansBilling.Silo.Products;
using OrleansBilling.Sandbox;
using OrleansBilling.Tests.Http;
using OrleansBilling.Tests.Sandbox;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Postgres;

/// <summary>
/// Acknowledged usage lives in PostgreSQL until Stripe has it: a silo that stops (or dies) before
/// forwarding loses nothing, and nothing reaches Stripe twice.
/// </summary>
[Trait(TestKind.Trait, TestKind.Postgres)]
public sealed class UsageOnPostgresTests(PostgresServer server)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Usage_a_stopped_silo_never_forwarded_reaches_Stripe_from_the_next_cluster_exactly_once()
    {
        var connectionString = await server.CreateDatabaseAsync("usage_restart");
        var clusterId = "usage-" + Guid.NewGuid().ToString("N")[..8];
        var keys = Enumerable.Range(0, 120).Select(i => $"k{i}").ToList();

        // Stripe is a sandbox of its own here, so it outlives both clusters and remembers what it got.
        await using var stripe = await SandboxHost.StartAsync(options => options.Prices.AddRange(SiloHosting.ProductPrices(DemoProduct.Definition)));
        var apiBase = stripe.BaseUrl + "/sandbox/stripe";

        await using (var first = new PostgresBillingService(connectionString, clusterId, apiBase))
        {
            await first.InitializeAsync();
            using var client = first.Client();
            await first.ActivateAsync(client, "pg_usage");

            // Stripe refuses every batch for this silo's whole life: neither its timer nor its last
            // try before deactivation gets the usage out.
            stripe.Control.FailNextMeterEventStreamCalls(1_000_000);
            await PostUsageAsync(client, "pg_usage", keys);
            first.Clock.Advance(TimeSpan.FromSeconds(30));
        }

        Assert.Empty(stripe.Control.MeterEvents);
        stripe.Control.FailNextMeterEventStreamCalls(0);
        await using var second = new PostgresBillingService(connectionString, clusterId, apiBase);
        await second.InitializeAsync();
        await AdvanceUntil(second, () => stripe.Control.MeterEvents.Count >= keys.Count);

        var received = stripe.Control.MeterEvents;
        Assert.Equal(keys.Select(k => $"demo/pg_usage/{k}").Order(StringComparer.Ordinal), received.Select(e => e.Identifier).Order(StringComparer.Ordinal));
        Assert.All(received, e => Assert.Equal(1, e.Received));
        using var api = second.Client();
        var meter = (await api.EntitlementsOfAsync("pg_usage")).GetProperty("meters").GetProperty("api_calls");
        Assert.Equal(keys.Count, meter.GetProperty("used").GetDouble());
    }

    [Fact]
    public async Task A_silo_stopping_gracefully_forwards_its_unsent_usage_and_the_next_cluster_sends_nothing_again()
    {
        var connectionString = await server.CreateDatabaseAsync("usage_graceful");
        var clusterId = "usage-" + Guid.NewGuid().ToString("N")[..8];
        var keys = Enumerable.Range(0, 30).Select(i => $"g{i}").ToList();

        var first = new PostgresBillingService(connectionString, clusterId);
        try
        {
            await first.InitializeAsync();
            using var client = first.Client();
            await first.ActivateAsync(client, "pg_graceful");
            await PostUsageAsync(client, "pg_graceful", keys);
            Assert.Empty(first.Payments.MeterEvents);
        }
        finally
        {
            await first.DisposeAsync();
        }

        Assert.Equal(keys.Count, first.Payments.MeterEvents.Count);

        await using var second = new PostgresBillingService(connectionString, clusterId);
        await second.InitializeAsync();
        using var api = second.Client();

        // The reminder comes due (and finds nothing to send), and duplicates of the old keys count once.
        second.Clock.Advance(TimeSpan.FromMinutes(5));
        await PostUsageAsync(api, "pg_graceful", keys.Take(10), expectDuplicates: true);
        Assert.Equal(0, await second.Grains.GetGrain<GrainInterfaces.Usage.IUsageGrain>("demo/pg_graceful").ForwardUsage());
        Assert.Empty(second.Payments.MeterEvents);
    }

    private static async Task PostUsageAsync(HttpClient client, string customerId, IEnumerable<string> keys, bool expectDuplicates = false)
    {
        foreach (var chunk in keys.Chunk(100))
        {
            using var response = await client.PostJsonAsync("/v1/usage", new
            {
                events = chunk.Select(key => new { customerId, meter = "api_calls", quantity = 1, idempotencyKey = key }),
            });
            var body = await response.ReadOkAsync();
            Assert.Equal(chunk.Length, body.GetProperty(expectDuplicates ? "duplicates" : "accepted").GetInt32());
        }
    }

    /// <summary>Time passes in one-minute steps, so the reminder service's refresh and the usage reminder come due.</summary>
    private static Task AdvanceUntil(BillingService service, Func<bool> condition) =>
        Poll.UntilAsync(
            () =>
            {
                service.Clock.Advance(TimeSpan.FromMinutes(1));
                return condition();
            },
            Patience,
            "the usage reminder to forward the usage");
}
