using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Npgsql;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Deployment;

/// <summary>
/// The production overlay's pods as real processes (<see cref="Pods"/>): the published silo and gateway,
/// started with exactly the environment, ports and probes the rendered manifests give them. A silo started
/// before the migration Job waits for it; the Job migrates; three silos form one cluster under their pod
/// names and addresses, a gateway serves through them, every probe answers, logs are JSON lines with trace
/// ids and no secret, card or email address, traces and logs reach the collector over OTLP, the metrics
/// the example alerts use exist, a console cookie
/// from one replica is good on another, and a silo sent SIGTERM fails readiness first, keeps serving,
/// leaves the membership table and exits well inside its grace period.
/// </summary>
[Trait(TestKind.Trait, TestKind.Postgres)]
[Collection(SiloProcesses.Name)]
public sealed partial class PodTests(PostgresServer server, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_production_pods_migrate_form_one_cluster_serve_observably_and_stop_cleanly_on_SIGTERM()
    {
        await using var pods = await Pods.StartAsync(server, "pods", net: 14);
        var logs = new List<SiloProcess>();

        // The silo hosts the gateway project, which has settings of its own: the silo's are the ones published.
        Assert.Equal(
            await File.ReadAllTextAsync(Path.Combine(NodeTools.RepositoryRoot, "silo", "appsettings.json"), Cancellation),
            await File.ReadAllTextAsync(Path.Combine(Path.GetDirectoryName(pods.Programs.Silo)!, "appsettings.json"), Cancellation));
        try
        {
            // A silo before its migration: it waits, and its startup probe gets no answer.
            var first = pods.StartSilo(0);
            logs.Add(first);
            await Poll.UntilAsync(() => first.Lines.Any(l => l.Contains("Waiting for the database to be migrated", StringComparison.Ordinal)), Patience, "the silo to wait for the migration");
            Assert.Null(await pods.ProbeAsync(first, pods.SiloDeployment, "startupProbe"));
            Assert.False(first.HasExited);

            var (exit, job) = await pods.RunMigrationJobAsync(Patience);
            Assert.True(exit == 0, $"The migration Job ended with {exit}:\n{job}");
            await pods.WaitReadyAsync(first, pods.SiloDeployment, Patience);

            // Two more silos and a gateway.
            var silos = new[] { first, pods.StartSilo(1), pods.StartSilo(2) };
            var gateway = pods.StartGateway(0);
            logs.AddRange([silos[1], silos[2], gateway]);
            await Task.WhenAll(silos.Skip(1).Select(s => pods.WaitReadyAsync(s, pods.SiloDeployment, Patience)).Append(pods.WaitReadyAsync(gateway, pods.GatewayDeployment, Patience)));
            foreach (var pod in silos)
            {
                Assert.Equal(HttpStatusCode.OK, await pods.ProbeAsync(pod, pods.SiloDeployment, "livenessProbe"));
            }

            Assert.Equal(HttpStatusCode.OK, await pods.ProbeAsync(gateway, pods.GatewayDeployment, "livenessProbe"));

            // One cluster, each silo under its pod's name at its pod's address, and each sees all three.
            var members = await MembersAsync(pods.ConnectionString);
            Assert.Equal(
                Enumerable.Range(0, 3).Select(i => (Pods.SiloPodName(i), pods.SiloAddress(i), SiloStatus.Active)).Order(),
                members.Select(m => (m.Name, m.Address, m.Status)).Order());
            await Poll.UntilAsync(async () => (await Task.WhenAll(silos.Select(s => ActiveSilosAsync(s)))).All(n => n == 3), Patience, "every silo to see three Active silos");

            // Traffic through the gateway: a checkout paid at the sandbox, Stripe's events delivered to the
            // gateway, entitlements, usage, a malformed request, an unsigned and an unreadable webhook.
            using var api = gateway.Client(Pods.ApiKey);
            await Postgres.TwoSilos.SubscribeAsync(pods.Stripe, api, "pod_1");
            using var malformed = await api.PostAsync(new Uri("/v1/checkout", UriKind.Relative), new StringContent("{\"customerId\":", System.Text.Encoding.UTF8, "application/json"), Cancellation);
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
            using var anonymous = gateway.Client(bearer: null);
            using var unsigned = await anonymous.DeliverAsync("{\"id\":\"evt_pods_unsigned\"}", signature: null, Cancellation);
            Assert.Equal(HttpStatusCode.BadRequest, unsigned.StatusCode);
            var unreadable = JsonNode.Parse(StripeEvents.Json("evt_pods_unreadable", "invoice.paid", StripeEvents.Invoice("in_pods", "sub_pods", "demo", "pod_x"), DateTimeOffset.UtcNow))!.AsObject();
            unreadable["data"] = new JsonObject { ["object"] = new JsonArray() };
            var unreadableJson = unreadable.ToJsonString();
            using var anomaly = await anonymous.DeliverAsync(unreadableJson, StripeEvents.Signature(unreadableJson, Sandbox.SandboxHost.Secret, DateTimeOffset.UtcNow), Cancellation);
            Assert.Equal(HttpStatusCode.OK, anomaly.StatusCode);

            // The metrics the example alerts use are all exported.
            var scrapes = string.Join('\n', await Task.WhenAll(silos.Append(gateway).Select(p => ScrapeAsync(p))));
            Assert.All(await ManifestTests.AlertedMetricsAsync(), metric => Assert.Contains($"\n{metric}{{", "\n" + scrapes, StringComparison.Ordinal));
            Assert.Matches(@"billing_webhooks_total\{[^}]*outcome=""Unreadable""", scrapes);

            // Traces and logs reach the collector the overlay names (OTLP over gRPC), each process under its service name.
            // An exporter drops a batch it could not send in time (the machine is shared with the suite), so each look
            // makes more every two seconds: a read (traces of the gateway and of a grain call) and an unreadable event (a silo's warning).
            var look = 0;
            var sinceLook = Stopwatch.StartNew();
            await Poll.UntilAsync(
                async () =>
                {
                    if (sinceLook.Elapsed >= TimeSpan.FromSeconds(2))
                    {
                        sinceLook.Restart();
                        using var read = await api.GetAsync(new Uri("/v1/customers/pod_1/entitlements", UriKind.Relative), Cancellation);
                        var json = unreadableJson.Replace("evt_pods_unreadable", $"evt_pods_look_{++look}", StringComparison.Ordinal);
                        using var told = await anonymous.DeliverAsync(json, StripeEvents.Signature(json, Sandbox.SandboxHost.Secret, DateTimeOffset.UtcNow), Cancellation);
                    }

                    return pods.Collector.Saw("TraceService", "orleans-billing-gateway") && pods.Collector.Saw("TraceService", "orleans-billing-silo")
                        && pods.Collector.Saw("TraceService", "ISubscriptionGrain/") && pods.Collector.Saw("LogsService", "orleans-billing-silo");
                },
                Patience,
                "traces and logs of both kinds of pod at the collector");

            // A console cookie issued by the gateway is good on a silo: one Data Protection key ring for all.
            await ConsoleCookieAcrossReplicasAsync(gateway, silos[1]);

            // SIGTERM, as Kubernetes stops a pod: readiness fails at once while requests are still served,
            // then the silo leaves the cluster and exits, long before the grace period.
            var stopping = silos[2];
            var grace = TimeSpan.FromSeconds(Manifests.PodSpec(pods.SiloDeployment).GetProperty("terminationGracePeriodSeconds").GetInt32());
            var reads = ReadWhileAsync(api, () => !stopping.HasExited);
            var clock = Stopwatch.StartNew();
            stopping.Terminate();
            await Poll.UntilAsync(async () => await pods.ProbeAsync(stopping, pods.SiloDeployment, "readinessProbe") == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10), "readiness to fail on SIGTERM");
            Assert.Equal(HttpStatusCode.OK, await pods.ProbeAsync(stopping, pods.SiloDeployment, "livenessProbe"));
            using (var during = stopping.Client(Pods.ApiKey))
            {
                using var served = await during.GetAsync(new Uri("/v1/customers/pod_1/entitlements", UriKind.Relative), Cancellation);
                Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            }

            var exitCode = await stopping.WaitForExitAsync(grace);
            output.WriteLine($"SIGTERM to exit: {clock.Elapsed.TotalSeconds:F1} s (grace period {grace.TotalSeconds} s)");
            Assert.Equal(0, exitCode);
            var answers = await reads;
            output.WriteLine($"Entitlement reads through the gateway while the silo stopped: {string.Join(", ", answers.GroupBy(a => a).Select(g => $"{g.Count()}× {g.Key}"))}");
            Assert.All(answers, status => Assert.Equal(200, status));
            var left = await MembersAsync(pods.ConnectionString);
            Assert.Equal(SiloStatus.Dead, left.Single(m => m.Name == Pods.SiloPodName(2)).Status);
            await Poll.UntilAsync(async () => (await Task.WhenAll(silos.Take(2).Select(s => ActiveSilosAsync(s)))).All(n => n == 2), Patience, "the others to see two Active silos");

            // Every line every pod wrote is JSON; those written for a request carry its trace; none holds a secret, a card or an email address.
            AssertLogs(logs, pods.SecretValues.Append(Sandbox.SandboxHost.SucceedingCard).Append(Postgres.TwoSilos.EmailOf("pod_1")));
        }
        catch
        {
            output.WriteLine(string.Join("\n", logs.Select(p => $"--- {p.Name} ---\n{p.OutputTail}")));
            throw;
        }
    }

    private void AssertLogs(IEnumerable<SiloProcess> pods, IEnumerable<string> secrets)
    {
        var inRequests = 0;
        foreach (var pod in pods)
        {
            foreach (var line in pod.Lines.Where(l => l.Length > 0))
            {
                using var entry = ParseLine(pod.Name, line);
                var root = entry.RootElement;
                Assert.True(root.TryGetProperty("Timestamp", out _) && root.TryGetProperty("LogLevel", out _) && root.TryGetProperty("Category", out _), $"{pod.Name}: {line}");
                var scopes = root.TryGetProperty("Scopes", out var s) ? s.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Object).ToList() : [];
                if (scopes.Any(x => x.TryGetProperty("RequestPath", out _)))
                {
                    inRequests++;
                    Assert.True(scopes.Any(x => x.TryGetProperty("TraceId", out var id) && id.GetString()!.Length == 32), $"{pod.Name} logged in a request without its trace id: {line}");
                }

                foreach (var secret in secrets)
                {
                    Assert.False(line.Contains(secret, StringComparison.Ordinal), $"{pod.Name} wrote a secret, card or address: {line}");
                }
            }
        }

        Assert.True(inRequests > 0, "No line was written while handling a request: the trace id check saw nothing.");
    }

    private static JsonDocument ParseLine(string pod, string line)
    {
        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            throw new Xunit.Sdk.XunitException($"{pod} wrote a line that is not JSON: {line}");
        }
    }

    /// <summary>
    /// Signs in at one replica's console with the page and antiforgery cookie another replica made, then shows the
    /// session cookie to the first: both work only if every replica shares one Data Protection key ring.
    /// </summary>
    private static async Task ConsoleCookieAcrossReplicasAsync(SiloProcess first, SiloProcess second)
    {
        using var http = ConsoleHttp.Client();
        var session = await ConsoleHttp.SignInAsync(http, first.BaseAddress, second.BaseAddress, Pods.ConsolePerson, Pods.ConsolePassword, Cancellation);
        using var shown = await ConsoleHttp.GetAsync(http, new Uri(first.BaseAddress, OrleansBilling.Gateway.SupportConsole.ConsoleAuth.DashboardPath + "/"), session, Cancellation);
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
    }

    /// <summary>Reads entitlements over and over while <paramref name="going"/> holds; the statuses seen.</summary>
    private static async Task<List<int>> ReadWhileAsync(HttpClient api, Func<bool> going)
    {
        var statuses = new List<int>();
        while (going() && statuses.Count < 10_000)
        {
            using var response = await api.GetAsync(new Uri("/v1/customers/pod_1/entitlements", UriKind.Relative), Cancellation);
            statuses.Add((int)response.StatusCode);
        }

        return statuses;
    }

    private static async Task<string> ScrapeAsync(SiloProcess pod)
    {
        using var http = new HttpClient { BaseAddress = pod.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        return await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), Cancellation);
    }

    /// <summary>The Active silos a silo reports in <c>billing_cluster_silos</c>; 0 while it reports none.</summary>
    private static async Task<int> ActiveSilosAsync(SiloProcess silo)
    {
        try
        {
            return ActiveGauge().Match(await ScrapeAsync(silo)) is { Success: true } found ? int.Parse(found.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    private static async Task<List<(string Name, string Address, SiloStatus Status)>> MembersAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Cancellation);
        await using var command = new NpgsqlCommand("SELECT siloname, address, status FROM orleans.orleansmembershiptable", connection);
        await using var reader = await command.ExecuteReaderAsync(Cancellation);
        var members = new List<(string, string, SiloStatus)>();
        while (await reader.ReadAsync(Cancellation))
        {
            members.Add((reader.GetString(0), reader.GetString(1), (SiloStatus)reader.GetInt32(2)));
        }

        return members;
    }

    [GeneratedRegex(@"(?m)^billing_cluster_silos\{[^}]*status=""Active""[^}]*\} (\d+)")]
    private static partial Regex ActiveGauge();
}
