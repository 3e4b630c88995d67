using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using OrleansBilling.Grains.Stripe;
using Stripe;

namespace OrleansBilling.Silo.Payments;

/// <summary>
/// Creates the Stripe.net client on first use, on an HttpClient from the factory. With the sandbox
/// and no explicit <c>Stripe:ApiBase</c>, the base is this process's own address, known only once
/// the server listens; the meter event stream's base follows the API's unless configured apart.
/// </summary>
public sealed class StripeClientSource : IStripeClientSource
{
    public const string HttpClientName = "stripe";

    private readonly Lazy<StripeClient> client;

    public StripeClientSource(IOptions<StripeOptions> options, SandboxMode sandbox, IServer server, IHttpClientFactory httpClients)
    {
        client = new Lazy<StripeClient>(() =>
        {
            var stripe = options.Value;
            var apiBase = stripe.ApiBase is { Length: > 0 } configured
                ? configured
                : sandbox.Enabled ? $"{OwnAddress(server)}{SandboxMode.StripePath}" : null;
            var meterEventsBase = stripe.MeterEventsBase is { Length: > 0 } meterConfigured ? meterConfigured : apiBase;
            return new StripeClient(new StripeClientOptions
            {
                ApiKey = stripe.ApiKey,
                ApiBase = apiBase,
                MeterEventsBase = meterEventsBase,
                HttpClient = new SystemNetHttpClient(httpClients.CreateClient(HttpClientName), maxNetworkRetries: 2, appInfo: null, enableTelemetry: false),
            });
        });
    }

    public StripeClient Client => client.Value;

    /// <summary>This process's first listening address, as a client on this machine reaches it.</summary>
    public static string OwnAddress(IServer server)
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The server does not listen yet, so the sandbox's address is unknown.");
        return address
            .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://[::]", "://localhost", StringComparison.Ordinal)
            .Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://*", "://localhost", StringComparison.Ordinal)
            .TrimEnd('/');
    }
}
