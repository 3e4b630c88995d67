using OrleansBilling.Silo.Hosting;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansBilling.Sandbox;
using OrleansBilling.Silo.Payments;
using OrleansBilling.Silo.Products;
using OrleansBilling.Tests.Infrastructure;
using OrleansBilling.Tests.Sandbox;
using Xunit;

namespace OrleansBilling.Tests.Postgres;

/// <summary>
/// A cluster of two silo processes on a fresh PostgreSQL database, as production runs it, with Stripe
/// and Brevo a sandbox of their own that outlives both (Stripe delivers its events to silo a). Either
/// silo can be killed and the pair started again on the same ports, database and cluster id.
/// </summary>
internal sealed class TwoSilos : IAsyncDisposable
{
    public const string ApiKey = "bk_outage_demo_key_0123456789";
    public const string AdminKey = "adm_outage_0123456789";

    private static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(90);

    private readonly int[] ports;
    private readonly string[] settings;

    private TwoSilos(SandboxHost stripe, int[] ports, string[] settings)
    {
        Stripe = stripe;
        this.ports = ports;
        this.settings = settings;
    }

    public SandboxHost Stripe { get; }

    public SiloProcess A { get; private set; } = null!;

    public SiloProcess B { get; private set; } = null!;

    public string ConnectionString { get; private init; } = "";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>Starts silo a, then silo b once a is ready (the first start migrates the database).</summary>
    public static async Task<TwoSilos> StartAsync(PostgresServer server, string name)
    {
        var connectionString = await server.CreateDatabaseAsync(name);
        var ports = LoopbackPorts.Take(6);
        var stripe = await SandboxHost.StartAsync(options =>
        {
            options.WebhookUrl = new Uri($"http://127.0.0.1:{ports[0]}/webhooks/stripe");
            options.DeliverBeforeAnswering = false;
            options.Prices.AddRange(SiloHosting.ProductPrices(DemoProduct.Definition));
        });
        string[] settings =
        [
            $"--ConnectionStrings:Billing={connectionString}",
            $"--Orleans:ClusterId={name}-{Guid.NewGuid().ToString("N")[..8]}",
            "--Orleans:AdvertisedIP=127.0.0.1",
            "--Billing:Demo:Enabled=true",
            $"--Billing:Demo:ApiKey={ApiKey}",
            $"--Billing:AdminKey={AdminKey}",
            $"--Stripe:ApiBase={stripe.BaseUrl}/sandbox/stripe",
            "--Stripe:ApiKey=sk_test_two_silos",
            $"--Stripe:WebhookSecret={SandboxHost.Secret}",
            $"--Brevo:BaseUrl={stripe.BaseUrl}{SandboxMode.BrevoPath}",
            "--Brevo:ApiKey=xkeysib-two-silos-0123456789",

            // Receivers of events to products listen on loopback in the tests.
            "--Billing:Events:AllowHttp=true",
            "--Billing:Events:AllowPrivateAddresses=true",
        ];
        var pair = new TwoSilos(stripe, ports, settings) { ConnectionString = connectionString };
        try
        {
            pair.A = pair.Start("a", 0);
            await pair.A.WaitReadyAsync(StartPatience);
            pair.B = pair.Start("b", 3);
            await pair.B.WaitReadyAsync(StartPatience);
            return pair;
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts both silos again (after both were killed) and waits until both are ready.</summary>
    public async Task RestartAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        A = Start("a", 0);
        B = Start("b", 3);
        await Task.WhenAll(A.WaitReadyAsync(StartPatience), B.WaitReadyAsync(StartPatience));
    }

    /// <summary>Checkout through the product API, paid in the sandbox; returns the Stripe ids once the silos have the subscription active.</summary>
    public Task<(string Customer, string Subscription)> SubscribeAsync(HttpClient api, string customer, string card = SandboxHost.SucceedingCard) =>
        SubscribeAsync(Stripe, api, customer, card);

    /// <summary>Checkout through a product API served by silo processes, paid at <paramref name="stripe"/>; the Stripe ids once the subscription is active.</summary>
    public static async Task<(string Customer, string Subscription)> SubscribeAsync(SandboxHost stripe, HttpClient api, string customer, string card = SandboxHost.SucceedingCard)
    {
        using var checkout = await api.PostAsJsonAsync("/v1/checkout", new
        {
            customerId = customer, plan = "basic", successUrl = "https://example.com/ok", cancelUrl = "https://example.com/no", email = EmailOf(customer),
        }, Cancellation);
        var session = (await checkout.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("sessionId").GetString()!;
        var paid = await stripe.Control.CompleteCheckoutAsync(session, card, cancellationToken: Cancellation);
        Assert.Null(paid.Error);
        await Poll.UntilAsync(async () => await StateAsync(api, customer) == "Active", StartPatience, $"{customer} active");
        return (paid.CustomerId!, paid.SubscriptionId!);
    }

    public static string EmailOf(string customer) => $"{customer}@example.com";

    /// <summary>The subscription's state as the product API shows it; null when the API did not answer 200.</summary>
    public static async Task<string?> StateAsync(HttpClient api, string customer)
    {
        using var response = await api.GetAsync(new Uri($"/v1/customers/{customer}/subscription", UriKind.Relative), Cancellation);
        return response.StatusCode == HttpStatusCode.OK
            ? (await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("state").GetString()
            : null;
    }

    /// <summary>What Stripe sent and both silos' last lines, for a failing test's output.</summary>
    public string Diagnostics()
    {
        var webhooks = Stripe.Control.WebhookStatus;
        return $"Stripe sent {string.Join(", ", Stripe.Control.Events.Select(e => e.Type))}; webhooks {webhooks.Delivered} delivered, "
            + $"{webhooks.PendingRetry} to retry, {webhooks.FailedForGood} failed: {string.Join(" | ", webhooks.LastErrors)}\n"
            + $"--- silo a ---\n{A.OutputTail}\n--- silo b ---\n{B.OutputTail}";
    }

    public async ValueTask DisposeAsync()
    {
        if (A is not null)
        {
            await A.DisposeAsync();
        }

        if (B is not null)
        {
            await B.DisposeAsync();
        }

        await Stripe.DisposeAsync();
    }

    private SiloProcess Start(string name, int firstPort) =>
        SiloProcess.Start(name, ports[firstPort], [.. settings, $"--Orleans:SiloPort={ports[firstPort + 1]}", $"--Orleans:GatewayPort={ports[firstPort + 2]}"]);
}
