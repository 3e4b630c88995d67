using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansBilling.Sandbox.Api;
using OrleansBilling.Sandbox.Billing;
using OrleansBilling.Sandbox.State;
using OrleansBilling.Sandbox.Webhooks;

namespace OrleansBilling.Sandbox;

/// <summary>Registers the sandbox: the Stripe emulator and the Brevo emulator beside it.</summary>
public static class SandboxServiceCollectionExtensions
{
    /// <summary>The named HttpClient that checks whether a checkout's success URL can be reached.</summary>
    internal const string SuccessUrlProbe = "sandbox-success-url";

    /// <summary>
    /// Registers the sandbox: its <see cref="SandboxClock"/> (as itself only: whether Orleans runs on it is the
    /// host's choice), the emulator state, <see cref="SandboxControl"/>, <see cref="SandboxRequests"/>, the
    /// webhook sender (a hosted service that retries failed deliveries) and its named HttpClient, and the
    /// Brevo emulator's <see cref="SandboxMailbox"/>.
    /// Options are validated at start: a missing webhook secret stops the host.
    /// </summary>
    public static IServiceCollection AddStripeSandbox(this IServiceCollection services, Action<SandboxOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<SandboxOptions>().Configure(configure).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SandboxOptions>, SandboxOptionsValidator>();

        services.AddSingleton<SandboxClock>();
        services.AddSingleton(_ => new Receiver.SandboxReceiver(TimeProvider.System));
        services.AddSingleton<SandboxRequests>();
        services.AddSingleton(sp =>
        {
            var limit = new SandboxRateLimit(sp.GetRequiredService<SandboxClock>());
            limit.Set(sp.GetRequiredService<IOptions<SandboxOptions>>().Value.RequestsPerSecond);
            return limit;
        });
        services.AddSingleton<SandboxState>();
        services.AddSingleton<PaymentProcessor>();
        services.AddSingleton<InvoiceFlow>();
        services.AddSingleton<SubscriptionFlow>();
        services.AddSingleton<CheckoutFlow>();
        services.AddSingleton<RefundFlow>();

        services.AddSingleton<WebhookTarget>();
        services.AddSingleton<WebhookSender>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookSender>());
        services.AddHttpClient(WebhookSender.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10));

        // Whether a checkout's success URL answers at all: the hosted page leads there only if it does.
        services.AddHttpClient(SuccessUrlProbe, client => client.Timeout = TimeSpan.FromSeconds(2))
            .ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler { AllowAutoRedirect = false });

        services.AddSingleton<BillingScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<BillingScheduler>());
        services.AddSingleton(sp => new SandboxControl(
            sp.GetRequiredService<SandboxState>(),
            sp.GetRequiredService<BillingScheduler>(),
            sp.GetRequiredService<CheckoutFlow>(),
            sp.GetRequiredService<InvoiceFlow>(),
            sp.GetRequiredService<SubscriptionFlow>(),
            sp.GetRequiredService<WebhookSender>(),
            sp.GetRequiredService<SandboxRateLimit>()));

        services.AddSingleton<CustomersApi>();
        services.AddSingleton<CheckoutSessionsApi>();
        services.AddSingleton<SubscriptionsApi>();
        services.AddSingleton<InvoicesApi>();
        services.AddSingleton<RefundsApi>();
        services.AddSingleton<CouponsApi>();
        services.AddSingleton<BillingPortalApi>();
        services.AddSingleton<MeterEventsApi>();
        services.AddSingleton<MeterEventSessionsApi>();
        services.AddSingleton<MeterEventStreamEndpoint>();
        services.AddSingleton<EventsApi>();
        services.AddSingleton<LookupsApi>();
        services.AddSingleton<StripeResources>();
        services.AddSingleton<StripeApiPipeline>();

        services.AddSingleton(sp => new SandboxMailbox(sp.GetRequiredService<SandboxClock>()));
        return services;
    }
}
