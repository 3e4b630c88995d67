using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using OrleansBilling.Silo.Payments;
using OrleansBilling.Silo.Products;

namespace OrleansBilling.Silo.Hosting;

/// <summary>
/// The one readable block printed at start: where the service listens, and the demo product. Keys
/// and secrets are printed only in the local default (in memory, against the sandbox), where they
/// are throwaway values made for trying the service; anywhere else they are real and stay unprinted. With
/// JSON console logs (<c>Logging:Console:FormatterName=json</c>) it is written as one log line instead.
/// </summary>
public static class StartupBanner
{
    public static void PrintWhenStarted(WebApplication app, bool inMemory, bool sandbox)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var baseUrl = (addresses.FirstOrDefault() ?? "http://localhost:5080").Replace("://[::]", "://localhost", StringComparison.Ordinal).Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal);
            var lines = Lines(baseUrl, app.Services.GetRequiredService<SeededProducts>(), app.Configuration, inMemory, sandbox);
            if (string.Equals(app.Configuration["Logging:Console:FormatterName"], "json", StringComparison.OrdinalIgnoreCase))
            {
                // Where logs are JSON lines for a collector (Kubernetes), the banner is one of them.
                app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StartupBanner).FullName!)
                    .LogInformation("{Banner}", string.Join(" | ", lines.Where(l => l.Length > 0).Select(l => l.Trim())));
            }
            else
            {
                Console.WriteLine(string.Join(Environment.NewLine, lines));
            }
        });
    }

    /// <summary>The banner's lines.</summary>
    public static IReadOnlyList<string> Lines(string baseUrl, SeededProducts seeded, IConfiguration configuration, bool inMemory, bool sandbox)
    {
        var showSecrets = inMemory && sandbox;
        var lines = new List<string>
        {
            "",
            "  OrleansBilling is running" + (inMemory ? " (local default: one process, in memory)" : " (PostgreSQL)"),
            $"    API            {baseUrl}/v1",
            $"    API reference  {baseUrl}/docs",
            $"    OpenAPI        {baseUrl}/openapi/v1.json",
            $"    Health         {baseUrl}/health/ready",
            $"    Products       {string.Join(", ", seeded.ProductIds)}",
        };
        if (seeded.DemoApiKey is { } key)
        {
            lines.Add($"    Demo product   {DemoProduct.Id}: basic 9.00 USD/month; pro 29.00 USD/month with a 14-day trial");
            if (showSecrets)
            {
                lines.Add($"    Demo API key   {key}" + (seeded.DemoApiKeyGenerated ? "   (generated; set Billing:Demo:ApiKey to keep one)" : ""));
                lines.Add($"    Try            curl -H \"Authorization: Bearer {key}\" {baseUrl}/v1/customers/cust_1/entitlements");
            }
            else
            {
                lines.Add($"    Demo API key   not printed outside the local default: set Billing:Demo:ApiKey, or issue one at {baseUrl}/admin/v1/products/{DemoProduct.Id}/api-keys");
            }
        }

        if (sandbox)
        {
            string Secret(string name) => showSecrets ? configuration[name] ?? "" : $"{name}, not printed";
            lines.Add($"    Sandbox        Stripe API {baseUrl}/sandbox/stripe (key {Secret("Stripe:ApiKey")}), clock {baseUrl}/sandbox/clock");
            var brevo = configuration["Brevo:BaseUrl"] is { Length: > 0 } configured ? configured : $"{baseUrl}/sandbox/brevo/v3";
            lines.Add($"    Email          Brevo API {brevo} (key {Secret("Brevo:ApiKey")}), mailbox {baseUrl}/sandbox/mailbox (JSON {baseUrl}/sandbox/emails)");
            lines.Add($"    Webhooks       {baseUrl}/webhooks/stripe, signing secret {Secret("Stripe:WebhookSecret")}");
            lines.Add($"    Admin key      {Secret("Billing:AdminKey")}   (bootstrap: issue staff tokens at {baseUrl}/admin/v1/staff/tokens)");
            if (configuration[SandboxMode.LocalPasswordKey] is { Length: > 0 })
            {
                lines.Add($"    Console        {baseUrl}/console   sign in as {SandboxMode.LocalAccount} / {Secret(SandboxMode.LocalPasswordKey)}");
            }
            lines.Add("    Test cards     4242424242424242 pays; 4000000000000341 pays once then fails; 4000000000009995 and 4000000000000002 are declined");
        }

        lines.Add("");
        return lines;
    }
}
