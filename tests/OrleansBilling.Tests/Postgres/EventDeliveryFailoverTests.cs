using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Postgres;

/// <summary>
/// A silo killed in the middle of delivering events to a product loses none of them: two silo processes on PostgreSQL,
/// a product's receiver that holds every request open, and <c>kill -9</c> of the silo whose delivery grain is sending.
/// The survivor delivers everything the database holds, each event accepted once and each customer's in order.
/// </summary>
[Trait(TestKind.Trait, TestKind.Postgres)]
[Collection(SiloProcesses.Name)]
public sealed class EventDeliveryFailoverTests(PostgresServer server, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_silo_killed_mid_delivery_loses_no_event()
    {
        await using var cluster = await TwoSilos.StartAsync(server, "event_failover");
        await using var receiver = await EventReceiver.StartAsync();
        var release = new TaskCompletionSource();
        receiver.Answer = async (_, aborted) =>
        {
            await release.Task.WaitAsync(aborted);
            return 204;
        };
        try
        {
            using var admin = cluster.A.Client(TwoSilos.AdminKey);
            using var created = await admin.PostAsJsonAsync("/admin/v1/products/demo/event-endpoints", new { url = receiver.Url, description = "failover" }, Ct);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);

            using var api = cluster.A.Client(TwoSilos.ApiKey);
            string[] customers = ["ef_1", "ef_2", "ef_3"];
            foreach (var customer in customers)
            {
                await cluster.SubscribeAsync(api, customer);
            }

            // Requests are held open: find the silo sending them, and kill it there.
            int? sender = null;
            await Poll.UntilAsync(
                () => (sender = LoopbackConnections.OwnerOfConnectionTo(new Uri(receiver.Url).Port, [cluster.A.ProcessId, cluster.B.ProcessId])) is not null,
                Patience,
                "a silo holding a connection to the receiver");
            var (killed, survivor) = sender == cluster.A.ProcessId ? (cluster.A, cluster.B) : (cluster.B, cluster.A);
            output.WriteLine($"killing silo {killed.Name} while it delivers");
            killed.Kill();
            receiver.Answer = (_, _) => Task.FromResult(204);
            release.SetResult();

            var stored = await StoredEventsAsync(cluster.ConnectionString, customers);
            Assert.NotEmpty(stored);
            await Poll.UntilAsync(
                () => stored.All(e => receiver.Accepted.Any(r => r.Id == e.Id)),
                Patience,
                "every stored event accepted by the receiver");

            // Nothing lost, nothing accepted twice, each customer's in order; new events still flow, through the survivor.
            stored = await StoredEventsAsync(cluster.ConnectionString, customers);
            Assert.Equal(stored.Select(e => e.Id).Order(), receiver.Accepted.Select(r => r.Id).Where(id => stored.Any(e => e.Id == id)).Order());
            foreach (var customer in customers)
            {
                Assert.Equal(stored.Where(e => e.Customer == customer).Select(e => e.Id), receiver.AcceptedOf(customer).Select(r => r.Id));
            }

            using var survivorApi = survivor.Client(TwoSilos.ApiKey);
            using var cancel = await survivorApi.PostAsJsonAsync("/v1/customers/ef_1/subscription/cancel", new { atPeriodEnd = true }, Ct);
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
            await Poll.UntilAsync(() => receiver.AcceptedOf("ef_1").Any(r => r.Data.TryGetProperty("cancelAtPeriodEnd", out var at) && at.GetBoolean()), Patience, "the cancel's event");
            output.WriteLine($"{stored.Count} events, {receiver.Requests.Count} requests, {receiver.Accepted.Count} accepted");
        }
        catch
        {
            output.WriteLine($"receiver: {receiver.Requests.Count} requests: {string.Join(", ", receiver.Requests)}");
            output.WriteLine(cluster.Diagnostics());
            throw;
        }
    }

    private static async Task<List<(string Id, string Customer)>> StoredEventsAsync(string connectionString, string[] customers)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT event_id, customer_id FROM billing.product_events WHERE product_id = 'demo' AND customer_id = ANY(@customers) ORDER BY seq", connection);
        command.Parameters.AddWithValue("customers", customers);
        var events = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            events.Add((reader.GetString(0), reader.GetString(1)));
        }

        return events;
    }
}
