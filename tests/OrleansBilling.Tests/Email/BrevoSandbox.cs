using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrleansBilling.Grains.Email;
using OrleansBilling.Sandbox;
using OrleansBilling.Silo.Email;
using OrleansBilling.Silo.Payments;
using OrleansBilling.Tests.Sandbox;
using Xunit;

namespace OrleansBilling.Tests.Email;

/// <summary>
/// The sandbox on a loopback port and the real <see cref="BrevoEmailSender"/> pointed at its Brevo
/// emulator, registered exactly as the silo registers it, with the back-off cut to a millisecond so
/// retries cost nothing.
/// </summary>
public sealed class BrevoSandbox : IAsyncDisposable
{
    public const string ApiKey = "xkeysib-tests-0123456789";

    private readonly SandboxHost host;
    private readonly List<ServiceProvider> senders = [];

    private BrevoSandbox(SandboxHost host)
    {
        this.host = host;
        Sender = NewSender(ApiKey);
    }

    /// <summary>The sender with a key the emulator accepts.</summary>
    public IEmailSender Sender { get; }

    public SandboxMailbox Mailbox => host.Services.GetRequiredService<SandboxMailbox>();

    public SandboxClock Clock => host.Clock;

    /// <summary>Plain HTTP to the sandbox.</summary>
    public HttpClient Http => host.Http;

    public string BrevoBaseUrl => host.BaseUrl + SandboxMode.BrevoPath;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<BrevoSandbox> StartAsync() => new(await SandboxHost.StartAsync());

    /// <summary>Another sender on the same emulator, with another key.</summary>
    public IEmailSender NewSender(string apiKey) => NewSender(apiKey, BrevoBaseUrl);

    /// <summary>A sender as the silo builds it from <c>Brevo:*</c> settings, aimed anywhere.</summary>
    public IEmailSender NewSender(string apiKey, string baseUrl)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Brevo:ApiKey"] = apiKey,
                ["Brevo:BaseUrl"] = baseUrl,
                ["Brevo:RetryDelay"] = "00:00:00.001",
            })
            .Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddBrevoEmail(new SandboxMode(false))
            .BuildServiceProvider();
        senders.Add(services);
        return services.GetRequiredService<IEmailSender>();
    }

    /// <summary>Posts a raw body to the emulator's send endpoint, as any Brevo client would.</summary>
    public async Task<HttpResponseMessage> PostEmailAsync(string json, string? apiKey = ApiKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BrevoBaseUrl + "smtp/email"))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (apiKey is not null)
        {
            request.Headers.Add("api-key", apiKey);
        }

        return await Http.SendAsync(request, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var services in senders)
        {
            await services.DisposeAsync();
        }

        await host.DisposeAsync();
    }
}
