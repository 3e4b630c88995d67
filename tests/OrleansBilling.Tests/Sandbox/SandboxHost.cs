using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansBilling.Sandbox;
using OrleansBilling.Sandbox.Webhooks;
using OrleansBilling.Tests.Infrastructure;
using Stripe;
using Stripe.Checkout;
using Xunit;

namespace OrleansBilling.Tests.Sandbox;

/// <summary>
/// The sandbox in a minimal web app on a loopback port, with a webhook receiver of its own, driven by the
/// real Stripe.net client as the service drives it.
/// </summary>
public sealed class SandboxHost : IAsyncDisposable
{
    public const string Secret = "whsec_sandbox_tests_0123456789";
    public const string TestKey = "sk_test_sandbox_tests";
    public const string Basic = "price_basic";
    public const string Pro = "price_pro";
    public const string Yearly = "price_yearly";

    /// <summary>Metered, on the <c>api_calls</c> meter (sum): 100 calls included, then half a cent each.</summary>
    public const string BasicCalls = "price_basic_calls";

    /// <summary>Metered, on the <c>api_calls</c> meter (sum): a quarter of a cent per call, none included.</summary>
    public const string ProCalls = "price_pro_calls";

    /// <summary>Metered, on the <c>logins</c> meter (count): 10 cents per login.</summary>
    public const string Logins = "price_logins";

    /// <summary>Metered, on the <c>seats</c> meter (last): 3 EUR per seat.</summary>
    public const string Seats = "price_seats";
    public const string SucceedingCard = "4242424242424242";
    public const string CardThatFailsLater = "4000000000000341";
    public const string InsufficientFundsCard = "4000000000009995";
    public const string DeclinedCard = "4000000000000002";

    private readonly WebApplication app;

    private SandboxHost(WebApplication app, WebhookReceiver receiver)
    {
        this.app = app;
        Receiver = receiver;
        BaseUrl = app.Urls.First();
        Stripe = NewStripeClient(TestKey);
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(BaseUrl) };
    }

    public string BaseUrl { get; }

    public StripeClient Stripe { get; }

    /// <summary>Plain HTTP to the sandbox's own endpoints and pages (redirects not followed).</summary>
    public HttpClient Http { get; }

    public WebhookReceiver Receiver { get; }

    public SandboxControl Control => app.Services.GetRequiredService<SandboxControl>();

    public SandboxRequests Requests => app.Services.GetRequiredService<SandboxRequests>();

    public SandboxClock Clock => app.Services.GetRequiredService<SandboxClock>();

    public IServiceProvider Services => app.Services;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Starts the sandbox; with <paramref name="time"/>, its clock follows that time source instead of real time (a
    /// <c>FakeTimeProvider</c> holds it still between the test's advances).
    /// </summary>
    public static async Task<SandboxHost> StartAsync(Action<SandboxOptions>? configure = null, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddStripeSandbox(options =>
        {
            options.WebhookSecret = Secret;

            // These tests assert on the receiver right after an API call.
            options.DeliverBeforeAnswering = true;
            options.Prices.Add(new SandboxPrice(Basic, "Basic", 1000, "eur", "month"));
            options.Prices.Add(new SandboxPrice(Pro, "Pro", 3000, "eur", "month"));
            options.Prices.Add(new SandboxPrice(Yearly, "Basic yearly", 10000, "eur", "year"));
            options.Prices.Add(new SandboxPrice(BasicCalls, "Basic API calls", 0, "eur", "month") { Metered = new SandboxMeteredPrice("api_calls", "sum", 0.5m, 100) });
            options.Prices.Add(new SandboxPrice(ProCalls, "Pro API calls", 0, "eur", "month") { Metered = new SandboxMeteredPrice("api_calls", "sum", 0.25m) });
            options.Prices.Add(new SandboxPrice(Logins, "Logins", 0, "eur", "month") { Metered = new SandboxMeteredPrice("logins", "count", 10m) });
            options.Prices.Add(new SandboxPrice(Seats, "Seats", 0, "eur", "month") { Metered = new SandboxMeteredPrice("seats", "last", 300m) });
            configure?.Invoke(options);
        });
        if (time is not null)
        {
            builder.Services.AddSingleton(new SandboxClock(time));
        }

        var app = builder.Build();
        var receiver = new WebhookReceiver(Secret);
        app.MapStripeSandbox();
        app.MapPost("/webhooks/stripe", (Func<HttpContext, Task<IResult>>)receiver.HandleAsync);
        try
        {
            await app.StartAsync(Ct);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new SandboxHost(app, receiver);
    }

    /// <summary>
    /// A client on the sandbox; without retries unless asked, so a test sees each answer as sent. A
    /// <paramref name="handler"/> (without an inner handler) goes between Stripe.net and the network.
    /// </summary>
    public StripeClient NewStripeClient(string apiKey, int maxNetworkRetries = 0, DelegatingHandler? handler = null) => new(new StripeClientOptions
    {
        ApiKey = apiKey,
        ApiBase = BaseUrl + "/sandbox/stripe",
        MeterEventsBase = BaseUrl + "/sandbox/stripe",
        HttpClient = new SystemNetHttpClient(
            handler is null ? new HttpClient() : new HttpClient(Inner(handler)), maxNetworkRetries, appInfo: null, enableTelemetry: false),
    });

    private static DelegatingHandler Inner(DelegatingHandler handler)
    {
        handler.InnerHandler = new HttpClientHandler();
        return handler;
    }

    /// <summary>Shortens the webhook back-off so retry tests take milliseconds, not seconds.</summary>
    public void UseFastRetries() => app.Services.GetRequiredService<WebhookSender>().FirstBackoff = TimeSpan.FromMilliseconds(20);

    public Task<Session> CreateCheckoutAsync(string price = Basic, long? trialDays = null, string? customer = null, string? email = "ada@example.com", RequestOptions? requestOptions = null, IEnumerable<string>? metered = null, string? billingMode = null) =>
        Stripe.V1.Checkout.Sessions.CreateAsync(
            new SessionCreateOptions
            {
                Mode = "subscription",
                LineItems = [new SessionLineItemOptions { Price = price, Quantity = 1 }, .. (metered ?? []).Select(m => new SessionLineItemOptions { Price = m })],
                SuccessUrl = "https://app.example/success?session={CHECKOUT_SESSION_ID}",
                CancelUrl = "https://app.example/cancel",
                Customer = customer,
                CustomerEmail = customer is null ? email : null,
                ClientReferenceId = "acct_42",
                Metadata = new Dictionary<string, string> { ["product"] = "demo" },
                SubscriptionData = new SessionSubscriptionDataOptions
                {
                    Metadata = new Dictionary<string, string> { ["product"] = "demo", ["customer"] = "acct_42" },
                    TrialPeriodDays = trialDays,
                    BillingMode = billingMode is null ? null : new SessionSubscriptionDataBillingModeOptions { Type = billingMode },
                },
            },
            requestOptions,
            Ct);

    /// <summary>Creates a checkout and pays it; fails the test if the card was declined.</summary>
    public async Task<SandboxCheckoutResult> SubscribeAsync(string card = SucceedingCard, string price = Basic, long? trialDays = null, IEnumerable<string>? metered = null, string? billingMode = null)
    {
        var session = await CreateCheckoutAsync(price, trialDays, metered: metered, billingMode: billingMode);
        var result = await Control.CompleteCheckoutAsync(session.Id, card, cancellationToken: Ct);
        Assert.Null(result.Error);
        return result;
    }

    public Task<Subscription> GetSubscriptionAsync(string id) => Stripe.V1.Subscriptions.GetAsync(id, cancellationToken: Ct);

    /// <summary>The invoice with its payments, which Stripe answers only when expanded (as the service asks for it).</summary>
    public Task<Invoice> GetInvoiceAsync(string id) => Stripe.V1.Invoices.GetAsync(id, new InvoiceGetOptions { Expand = ["payments"] }, cancellationToken: Ct);

    public Task<SandboxAdvanceResult> AdvanceDaysAsync(double days) => Control.AdvanceClockAsync(TimeSpan.FromDays(days), Ct);

    /// <summary>Waits until the receiver verified an event of the type (deliveries on retry arrive later).</summary>
    public Task WaitForEventAsync(string type, int count = 1) =>
        Poll.UntilAsync(() => Receiver.OfType(type).Count() >= count, TimeSpan.FromSeconds(20), $"{count} × {type} at the receiver");

    public async Task<HttpStatusCode> PostJsonAsync(string path, string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(new Uri(path, UriKind.Relative), content, Ct);
        return response.StatusCode;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
    }
}
