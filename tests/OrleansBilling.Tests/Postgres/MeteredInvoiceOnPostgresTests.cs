using System.Net.Http.Json;
using System.Text.Json;
using OrleansBilling.Tests.EndToEnd;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Postgres;

/// <summary>
/// A metered invoice across a restart (issue 11 §2): usage acknowledged by a cluster that is then killed
/// reaches Stripe's meter once from the restarted cluster, and the renewal invoice bills it to the cent.
/// Two silo processes on PostgreSQL (<see cref="TwoSilos"/>), real time, Stripe.net against the sandbox.
/// </summary>
[Trait(TestKind.Trait, TestKind.Postgres)]
[Collection(SiloProcesses.Name)]
public sealed class MeteredInvoiceOnPostgresTests(PostgresServer server)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(150);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Usage_acknowledged_before_both_silos_die_is_billed_once_on_the_renewal_invoice_to_the_cent()
    {
        await using var cluster = await TwoSilos.StartAsync(server, "metered_pg");
        var stripe = cluster.Stripe;
        try
        {
            string[] identifiers = ["demo/pg_meter/calls-1", "demo/pg_meter/calls-2"];
            using (var api = cluster.A.Client(TwoSilos.ApiKey))
            {
                await cluster.SubscribeAsync(api, "pg_meter");
                using var usage = await api.PostAsJsonAsync("/v1/usage", new
                {
                    events = new[]
                    {
                        new { customerId = "pg_meter", meter = "api_calls", quantity = 1234, idempotencyKey = "calls-1" },
                        new { customerId = "pg_meter", meter = "api_calls", quantity = 300, idempotencyKey = "calls-2" },
                    },
                }, Cancellation);
                Assert.Equal(2, (await usage.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("accepted").GetInt32());
            }

            // Acknowledged, then the whole cluster dies, most likely before its five-second forwarding delay.
            cluster.A.Kill();
            cluster.B.Kill();
            await cluster.RestartAsync();
            await Poll.UntilAsync(() => identifiers.All(id => stripe.Control.MeterEvents.Any(e => e.Identifier == id)), Patience, "the usage at Stripe's meter");

            await stripe.Control.AdvanceClockAsync(TimeSpan.FromDays(31), Cancellation);
            using var after = cluster.A.Client(TwoSilos.ApiKey);
            JsonElement renewed = default;
            await Poll.UntilAsync(
                async () =>
                {
                    using var response = await after.GetAsync(new Uri("/v1/customers/pg_meter/subscription", UriKind.Relative), Cancellation);
                    var view = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
                    renewed = SandboxApi.History(view).LastOrDefault(e => e.GetProperty("name").GetString() == "Renewed");
                    return renewed.ValueKind == JsonValueKind.Object;
                },
                Patience,
                "the renewal in the history");

            var invoiceId = renewed.GetProperty("detail").GetString()!.Split(';')[0]["invoice=".Length..];
            var invoice = await stripe.Stripe.V1.Invoices.GetAsync(invoiceId, cancellationToken: Cancellation);
            Assert.All(identifiers, id => Assert.Equal(1, Assert.Single(stripe.Control.MeterEvents, e => e.Identifier == id).Received));
            Assert.Equal([900L, 0L, 267L], invoice.Lines.Data.Select(l => l.Amount));
            Assert.Equal((1167L, "paid"), (invoice.AmountPaid, invoice.Status));
            Assert.Contains("amount=1167", renewed.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new InvalidOperationException(cluster.Diagnostics(), ex);
        }
    }
}
