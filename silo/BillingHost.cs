using OrleansBilling.Gateway;
using OrleansBilling.Gateway.Hosting;
using OrleansBilling.Silo.Database;
using OrleansBilling.Sandbox;
using OrleansBilling.Silo.Hosting;
using OrleansBilling.Silo.Payments;

namespace OrleansBilling.Silo;

/// <summary>Builds the silo process: the silo, the co-hosted gateway and, when configured, the migrated database.</summary>
public static class BillingHost
{
    /// <summary>The address of the local default.</summary>
    public const string DefaultUrl = "http://localhost:5080";

    /// <param name="args">Command-line arguments (configuration overrides such as <c>--urls</c>).</param>
    /// <param name="customize">Lets tests replace services (a fake clock, a recording provider) before the host is built.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? customize = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        HostUrls.ApplyDefault(builder, DefaultUrl);

        var sandbox = SandboxMode.From(builder.Configuration);
        if (sandbox.Enabled)
        {
            SandboxMode.ApplyDefaults(builder.Configuration);
        }

        builder.AddBillingSilo(sandbox);
        customize?.Invoke(builder);
        var app = builder.Build();

        // The gauges exist from the start, so a scrape shows them at zero rather than not at all.
        app.Services.GetRequiredService<ClusterMetrics>();
        app.Services.GetRequiredService<OrleansBilling.Grains.Telemetry.BillingMetrics>();

        var connectionString = ClusterSettings.BillingConnectionString(app.Configuration);
        if (connectionString is not null)
        {
            // Before the silo starts: the Orleans providers read their queries from the migrated tables.
            // Migrated here, or (Billing:Database:Migrate=false, as on Kubernetes) by the migration Job, waited for.
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansBilling.Migrations");
            if (app.Configuration.GetValue("Billing:Database:Migrate", true))
            {
                DatabaseMigrator.Migrate(connectionString, logger);
            }
            else
            {
                DatabaseMigrator.WaitUntilMigrated(connectionString, logger, app.Configuration.GetValue("Billing:Database:WaitForMigrations", TimeSpan.FromMinutes(10)));
            }
        }

        app.MapBillingGateway();
        if (sandbox.Enabled)
        {
            app.MapStripeSandbox();
        }

        StartupBanner.PrintWhenStarted(app, inMemory: connectionString is null, sandbox.Enabled);
        return app;
    }
}
