using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using OrleansBilling.Grains.Email;
using OrleansBilling.Grains.Payments;
using OrleansBilling.Grains.ReadModel;
using OrleansBilling.Silo;
using OrleansBilling.Silo.Hosting;
using Xunit;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// The silo process exactly as <c>dotnet run --project silo</c> builds it (co-hosted gateway,
/// seeded demo product), listening on a free loopback port, with a recording payment provider
/// and a fake clock. Tests talk to it over real HTTP.
/// </summary>
public class BillingService : IAsyncLifetime
{
    public const string DemoApiKey = "bk_test_demo_key_0123456789";
    public const string WebhookSecret = "whsec_test_0123456789abcdef";
    public const string AdminKey = "adm_test_0123456789";

    private WebApplication? app;

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));

    public RecordingPaymentProvider Payments { get; } = new();

    public RecordingReadModelWriter ReadModel { get; } = new();

    public RecordingEmailSender Emails { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => app?.Services ?? throw new InvalidOperationException("The service is not started.");

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    /// <summary>Extra configuration, as command-line pairs (<c>--Key=value</c>).</summary>
    protected virtual IEnumerable<string> Arguments() => [];

    /// <summary>Anything more a kind of service puts in (faults, log capture), after the rest.</summary>
    protected virtual void Configure(WebApplicationBuilder builder)
    {
    }

    /// <summary>Whether tests replace the read model with a recording one (not when a database is the point).</summary>
    protected virtual bool RecordReadModel => true;

    /// <summary>
    /// True to run as the local default really does: Stripe.net against the in-process sandbox, on
    /// the sandbox's clock. False (the default) puts the recording provider and the fake clock in.
    /// </summary>
    protected virtual bool UseSandbox => false;

    /// <summary>Whether the recording payment provider stands in for Stripe.net (not when Stripe.net against a sandbox is the point).</summary>
    protected virtual bool RecordPayments => true;

    public virtual async ValueTask InitializeAsync()
    {
        var ports = LoopbackPorts.Take(2);
        string[] args =
        [
            "--urls=http://127.0.0.1:0",
            $"--Orleans:SiloPort={ports[0]}",
            $"--Orleans:GatewayPort={ports[1]}",
            $"--Orleans:ClusterId=test-{Guid.NewGuid():N}",
            $"--Billing:Demo:ApiKey={DemoApiKey}",
            $"--Stripe:WebhookSecret={WebhookSecret}",
            $"--Billing:AdminKey={AdminKey}",
            .. Arguments(),
        ];
        app = BillingHost.Build(args, builder =>
        {
            if (!UseSandbox)
            {
                builder.Services.UseBillingClock(_ => Clock);
                if (RecordPayments)
                {
                    builder.Services.Replace(ServiceDescriptor.Singleton<IPaymentProvider>(Payments));
                }

                builder.Services.Replace(ServiceDescriptor.Singleton<IEmailSender>(Emails));
            }

            if (RecordReadModel)
            {
                builder.Services.Replace(ServiceDescriptor.Singleton<IReadModelWriter>(ReadModel));
                builder.Services.Replace(ServiceDescriptor.Singleton<IHistoryReader>(ReadModel.Store));
                builder.Services.Replace(ServiceDescriptor.Singleton<ICustomerSearch>(ReadModel.Store));
                builder.Services.Replace(ServiceDescriptor.Singleton<OrleansBilling.Grains.Reporting.IReportingHistory>(ReadModel.Store));
            }

            Configure(builder);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        BaseAddress = new Uri(address);
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// A client of the API; with <paramref name="apiKey"/> it authenticates as that key's product. Every
    /// exchange is checked against the service's OpenAPI document (<see cref="ContractCheckingHandler"/>).
    /// </summary>
    public HttpClient Client(string? apiKey = DemoApiKey)
    {
        var client = new HttpClient(new ContractCheckingHandler(BaseAddress)) { BaseAddress = BaseAddress };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }
}
