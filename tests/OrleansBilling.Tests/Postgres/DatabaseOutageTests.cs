using System.Net;
using Npgsql;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Postgres;

/// <summary>
/// PostgreSQL taken away from a running silo (a relay in front of it cut, so connecting is refused) and
/// given back: readiness fails, so Kubernetes stops routing to the pod, liveness does not, so nothing is
/// restarted for it, and readiness recovers by itself once the database answers again.
/// </summary>
[Trait(TestKind.Trait, TestKind.Postgres)]
public sealed class DatabaseOutageTests(PostgresServer server)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Readiness_fails_while_PostgreSQL_is_unreachable_and_recovers_by_itself_when_it_returns()
    {
        var direct = new NpgsqlConnectionStringBuilder(await server.CreateDatabaseAsync("outage_readiness"));
        var address = IPAddress.TryParse(direct.Host, out var ip) ? ip : (await Dns.GetHostAddressesAsync(direct.Host!, Cancellation))[0];
        await using var relay = new TcpRelay(new IPEndPoint(address, direct.Port));
        var relayed = new NpgsqlConnectionStringBuilder(direct.ConnectionString) { Host = "127.0.0.1", Port = relay.Port, Timeout = 3 };
        var service = new PostgresBillingService(relayed.ConnectionString, $"outage-{Guid.NewGuid():N}");
        await service.InitializeAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            await Poll.UntilAsync(async () => await StatusAsync(http, "/health/ready") == HttpStatusCode.OK, Patience, "the silo to be ready");

            relay.Cut();
            await Poll.UntilAsync(async () => await StatusAsync(http, "/health/ready") == HttpStatusCode.ServiceUnavailable, Patience, "readiness to fail without the database");
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, "/health/live"));

            relay.Restore();
            await Poll.UntilAsync(async () => await StatusAsync(http, "/health/ready") == HttpStatusCode.OK, Patience, "readiness to recover with the database");
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, "/health/live"));
        }
        finally
        {
            await service.DisposeAsync();
        }
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
        return response.StatusCode;
    }
}
