using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using OrleansBilling.Silo.Products;

namespace OrleansBilling.Silo.Hosting;

/// <summary>The one readable block printed at start: where the service listens, and the demo product and its key.</summary>
public static class StartupBanner
{
    public static void PrintWhenStarted(WebApplication app, bool inMemory, bool sandbox)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var baseUrl = (addresses.FirstOrDefault() ?? "http://localhost:5080").Replace("://[::]", "://localhost", StringComparison.Ordinal).Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal);
            var seeded = app.Services.GetRequiredService<SeededProducts>();
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
                lines.Add($"    Demo API key   {key}" + (seeded.DemoApiKeyGenerated ? "   (generated; set Billing:Demo:ApiKey to keep one)" : ""));
                lines.Add($"    Try            curl -H \"Authorization: Bearer {key}\" {baseUrl}/v1/customers/cust_1/entitlements");
            }

            if (sandbox)
            {
                var configuration = app.Configuration;
                lines.Add($"    Sandbox        Stripe API {baseUrl}/sandbox/stripe (key {configuration["Stripe:ApiKey"]}), clock {baseUrl}/sandbox/clock");
                var brevo = configuration["Brevo:BaseUrl"] is { Length: > 0 } configured ? configured : $"{baseUrl}/sandbox/brevo/v3";
                lines.Add($"    Email          Brevo API {brevo} (key {configuration["Brevo:ApiKey"]}), mailbox {baseUrl}/sandbox/mailbox (JSON {baseUrl}/sandbox/emails)");
                lines.Add($"    Webhooks       {baseUrl}/webhooks/stripe, signing secret {configuration["Stripe:WebhookSecret"]}");
                lines.Add($"    Admin key      {configuration["Billing:AdminKey"]}   ({baseUrl}/admin/v1/anomalies)");
                lines.Add("    Test cards     4242424242424242 pays; 4000000000000341 pays once then fails; 4000000000009995 and 4000000000000002 are declined");
            }

            lines.Add("");
            Console.WriteLine(string.Join(Environment.NewLine, lines));
        });
    }
}
