using System.Net;
using System.Text.Json;
using OrleansBilling.Silo.Hosting;
using OrleansBilling.Silo.Products;
using OrleansBilling.Tests.Sandbox;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// The production overlay's workloads as real processes on this machine: the silo and the gateway published
/// (<c>dotnet publish</c>) to folders of their own, each started as its pod would be, with the environment
/// the rendered manifest gives its container (ConfigMap, Secrets, downward API) and nothing else. What a
/// cluster would provide around a pod is supplied as follows, and only this:
/// <list type="bullet">
/// <item>the pod network: each pod has its own address (<c>127.0.&lt;net&gt;.&lt;n&gt;</c>, every one of
/// them loopback on Linux), and binds it rather than all addresses, since the pods share one host here:
/// the ports the manifest gives (<c>ASPNETCORE_HTTP_PORTS</c>) on the pod's address (<c>ASPNETCORE_URLS</c>),
/// and <c>Orleans__ListenOnAnyHostAddress=false</c>. That the programs listen on <c>ASPNETCORE_HTTP_PORTS</c>
/// by themselves is <c>HostUrlsTests</c>';</item>
/// <item>the Secrets, with test values, and PostgreSQL, a throwaway database;</item>
/// <item>Stripe and Brevo: the sandbox on loopback (<c>Stripe__ApiBase</c>, <c>Brevo__BaseUrl</c>),
/// delivering Stripe's events to the first gateway;</item>
/// <item>the OpenTelemetry Collector the overlay names: <see cref="OtlpReceiver"/> on loopback.</item>
/// </list>
/// </summary>
public sealed class Pods : IAsyncDisposable
{
    public const string Overlay = "overlays/production";
    public const string ApiKey = "bk_pods_demo_key_0123456789abcdef";
    public const string AdminKey = "adm_pods_0123456789abcdef";
    public const string StripeKey = "sk_test_pods_0123456789";
    public const string BrevoKey = "xkeysib-pods-0123456789abcdef";
    public const string DatabasePassword = "pods-db-password-0123";
    public const string ConsolePerson = "ops";
    public const string ConsolePassword = "pods-console-password";

    private static readonly SemaphoreSlim Publishing = new(1, 1);
    private static (string Silo, string Gateway)? published;

    private readonly List<SiloProcess> started = [];
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> secrets;
    private readonly int net;

    private Pods(Manifests manifests, SandboxHost stripe, OtlpReceiver collector, string connectionString, int net, (string Silo, string Gateway) programs)
    {
        Manifests = manifests;
        Stripe = stripe;
        Collector = collector;
        ConnectionString = connectionString;
        this.net = net;
        Programs = programs;
        secrets = new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["billing-database"] = new Dictionary<string, string> { ["connection-string"] = connectionString },
            ["billing-stripe"] = new Dictionary<string, string> { ["api-key"] = StripeKey, ["webhook-secret"] = SandboxHost.Secret },
            ["billing-brevo"] = new Dictionary<string, string> { ["api-key"] = BrevoKey },
            ["billing-admin"] = new Dictionary<string, string> { ["admin-key"] = AdminKey },
            ["billing-console"] = new Dictionary<string, string>
            {
                [$"Billing__Console__Accounts__{ConsolePerson}__Role"] = "Admin",
                [$"Billing__Console__Accounts__{ConsolePerson}__PasswordHash"] = OrleansBilling.Gateway.SupportConsole.ConsoleSignIn.Hash(ConsolePassword),
            },
        };
    }

    public Manifests Manifests { get; }

    public SandboxHost Stripe { get; }

    /// <summary>The OpenTelemetry Collector the overlay exports to, when it names one.</summary>
    public OtlpReceiver Collector { get; }

    public string ConnectionString { get; }

    public (string Silo, string Gateway) Programs { get; }

    public JsonElement SiloDeployment => Manifests.Find("Deployment", "billing-silo");

    public JsonElement GatewayDeployment => Manifests.Find("Deployment", "billing-gateway");

    public JsonElement MigrationJob => Manifests.Find("Job", "billing-migrate");

    /// <summary>Every secret value the processes are given: none may appear in what they write or answer.</summary>
    public IEnumerable<string> SecretValues => [ApiKey, AdminKey, StripeKey, BrevoKey, SandboxHost.Secret, DatabasePassword, ConsolePassword];

    /// <summary>Renders and validates the production overlay, publishes the programs (once per test run), and starts the sandbox.</summary>
    /// <param name="server">Where the database is made.</param>
    /// <param name="name">The database's prefix.</param>
    /// <param name="net">The third octet of this set of pods' addresses, different for each test class.</param>
    public static async Task<Pods> StartAsync(PostgresServer server, string name, int net)
    {
        var manifests = await Manifests.RenderAsync(Overlay);
        if (manifests.ValidationExitCode != 0)
        {
            throw new InvalidOperationException($"The production overlay does not validate:\n{manifests.Validation}");
        }

        var programs = await PublishAsync();
        var connectionString = await server.CreateDatabaseAsync(name);
        var collector = await OtlpReceiver.StartAsync();
        var stripe = await SandboxHost.StartAsync(options =>
        {
            options.WebhookUrl = new Uri($"http://127.0.{net}.{GatewayHost(0)}:{HttpPort(manifests.Find("Deployment", "billing-gateway"))}/webhooks/stripe");
            options.DeliverBeforeAnswering = false;
            options.Prices.AddRange(SiloHosting.ProductPrices(DemoProduct.Definition));
        });

        // The database user's password, as the Secret's connection string would carry it.
        return new Pods(manifests, stripe, collector, $"{connectionString};Password={DatabasePassword}", net, programs);
    }

    /// <summary>Runs the migration Job's container to its end; its exit code and what it wrote.</summary>
    public async Task<(int? ExitCode, string Output)> RunMigrationJobAsync(TimeSpan patience)
    {
        var container = Manifests.Container(MigrationJob);
        var job = SiloProcess.StartPublished(
            "billing-migrate", Programs.Silo, new Uri("http://127.0.0.1:9"),
            Manifests.Environment(container, secrets, PodFields("billing-migrate-x7k2p", $"127.0.{net}.9")),
            container.GetProperty("args").EnumerateArray().Select(a => a.GetString()!));
        started.Add(job);
        var exit = await job.WaitForExitAsync(patience);
        return (exit, job.OutputTail);
    }

    /// <summary>Starts silo pod <paramref name="index"/> (named as its ReplicaSet would name it).</summary>
    public SiloProcess StartSilo(int index) => StartPod(SiloPodName(index), SiloDeployment, Programs.Silo, SiloHost(index));

    /// <summary>Starts gateway pod <paramref name="index"/>.</summary>
    public SiloProcess StartGateway(int index) => StartPod($"billing-gateway-6f9c7b5d4-g{index}", GatewayDeployment, Programs.Gateway, GatewayHost(index));

    public static string SiloPodName(int index) => $"billing-silo-7d4b9c8f6-s{index}";

    public string SiloAddress(int index) => $"127.0.{net}.{SiloHost(index)}";

    /// <summary>Asks a pod the probe its manifest declares (<c>startupProbe</c>, <c>readinessProbe</c>, <c>livenessProbe</c>); the status, or null when nothing answers.</summary>
    public async Task<HttpStatusCode?> ProbeAsync(SiloProcess pod, JsonElement deployment, string probe)
    {
        var get = Manifests.Container(deployment).GetProperty(probe).GetProperty("httpGet");
        var timeout = Manifests.Container(deployment).GetProperty(probe).GetProperty("timeoutSeconds").GetInt32();
        using var http = new HttpClient { BaseAddress = pod.BaseAddress, Timeout = TimeSpan.FromSeconds(timeout) };
        try
        {
            using var response = await http.GetAsync(new Uri(get.GetProperty("path").GetString()!, UriKind.Relative));
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Waits until the pod's startup and readiness probes both pass; fails at once should it exit.</summary>
    public async Task WaitReadyAsync(SiloProcess pod, JsonElement deployment, TimeSpan patience)
    {
        try
        {
            await Poll.UntilAsync(
                async () => pod.HasExited
                    ? throw new InvalidOperationException($"{pod.Name} exited before it was ready:\n{pod.OutputTail}")
                    : await ProbeAsync(pod, deployment, "startupProbe") == HttpStatusCode.OK && await ProbeAsync(pod, deployment, "readinessProbe") == HttpStatusCode.OK,
                patience,
                $"{pod.Name} to start and be ready");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n{pod.OutputTail}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var pod in started)
        {
            await pod.DisposeAsync();
        }

        await Stripe.DisposeAsync();
        await Collector.DisposeAsync();
    }

    /// <summary>The port named <c>http</c> of a workload's container.</summary>
    public static int HttpPort(JsonElement workload) =>
        Manifests.Container(workload).GetProperty("ports").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "http").GetProperty("containerPort").GetInt32();

    private static int SiloHost(int index) => 10 + index;

    private static int GatewayHost(int index) => 20 + index;

    private static Dictionary<string, string> PodFields(string podName, string podIp) => new()
    {
        ["metadata.name"] = podName,
        ["metadata.namespace"] = "billing",
        ["status.podIP"] = podIp,
    };

    private SiloProcess StartPod(string podName, JsonElement deployment, string program, int host)
    {
        var address = $"127.0.{net}.{host}";
        var environment = Manifests.Environment(Manifests.Container(deployment), secrets, PodFields(podName, address));
        var port = int.Parse(environment["ASPNETCORE_HTTP_PORTS"], System.Globalization.CultureInfo.InvariantCulture);

        // The pod network, the products a real deployment keeps in its billing-products ConfigMap, and Stripe and Brevo (see the summary).
        environment["ASPNETCORE_URLS"] = $"http://{address}:{port}";
        environment["Orleans__ListenOnAnyHostAddress"] = "false";
        environment["Billing__Demo__Enabled"] = "true";
        environment["Billing__Demo__ApiKey"] = ApiKey;
        environment["Stripe__ApiBase"] = $"{Stripe.BaseUrl}/sandbox/stripe";
        environment["Brevo__BaseUrl"] = $"{Stripe.BaseUrl}{OrleansBilling.Silo.Payments.SandboxMode.BrevoPath}";
        if (environment.ContainsKey("OTEL_EXPORTER_OTLP_ENDPOINT"))
        {
            environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = Collector.Endpoint.ToString();
        }

        var pod = SiloProcess.StartPublished(podName, program, new Uri($"http://{address}:{port}"), environment);
        started.Add(pod);
        return pod;
    }

    /// <summary>
    /// <c>dotnet publish</c> of the silo and the gateway, from the build the tests run on (<c>--no-build</c>):
    /// the folders an image's <c>/app</c> would hold. Once per test run.
    /// </summary>
    private static async Task<(string Silo, string Gateway)> PublishAsync()
    {
        await Publishing.WaitAsync();
        try
        {
            if (published is { } done)
            {
                return done;
            }

            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            var root = Path.Combine(Path.GetTempPath(), $"billing-published-{Environment.ProcessId}");
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(root, recursive: true);
            var silo = await PublishOneAsync("silo/OrleansBilling.Silo.csproj", configuration, Path.Combine(root, "silo"));
            var gateway = await PublishOneAsync("gateway/OrleansBilling.Gateway.csproj", configuration, Path.Combine(root, "gateway"));
            published = (Path.Combine(silo, "OrleansBilling.Silo.dll"), Path.Combine(gateway, "OrleansBilling.Gateway.dll"));
            return published.Value;
        }
        finally
        {
            Publishing.Release();
        }
    }

    private static async Task<string> PublishOneAsync(string project, string configuration, string output)
    {
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        var (exit, text) = await NodeTools.RunAsync(
            SiloProcess.DotnetHost,
            ["publish", project, "--no-build", "--no-restore", "-c", configuration, "-o", output, "-nologo"],
            NodeTools.RepositoryRoot,
            TimeSpan.FromMinutes(5));
        return exit == 0 ? output : throw new InvalidOperationException($"dotnet publish {project} failed ({exit}): {text}");
    }
}
