using Npgsql;
using Orleans.Configuration;
using Orleans.Dashboard;
using OrleansBilling.Gateway.Health;
using OrleansBilling.Gateway.Hosting;
using OrleansBilling.Gateway.Telemetry;

namespace OrleansBilling.Gateway;

/// <summary>Builds the standalone gateway: an Orleans client that finds the silos through PostgreSQL clustering.</summary>
public static class GatewayHost
{
    public const string DefaultUrl = "http://localhost:5081";

    /// <summary>The gateway host, or null (with the reason written to standard error) without a database to find silos in.</summary>
    public static WebApplication? Build(string[] args, Action<WebApplicationBuilder>? customize = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        HostUrls.ApplyDefault(builder, DefaultUrl);

        if (ClusterSettings.BillingConnectionString(builder.Configuration) is not { } connectionString)
        {
            Console.Error.WriteLine(
                "The standalone gateway finds silos through PostgreSQL: set ConnectionStrings:Billing " +
                "(for example ConnectionStrings__Billing=\"Host=...;Database=billing;Username=...\"). " +
                "For a one-process local run use 'dotnet run --project silo' instead.");
            return null;
        }

        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(options => ClusterSettings.Apply(options, builder.Configuration));
            client.UseAdoNetClustering(options =>
            {
                options.Invariant = ClusterSettings.Invariant;
                options.ConnectionString = ClusterSettings.OrleansConnectionString(connectionString);
            });
            // How soon a gateway stops sending to a silo the cluster declared dead (a hung one keeps its
            // connections open): Orleans' default is a minute; Orleans:GatewayListRefreshPeriod.
            client.Configure<GatewayOptions>(options => options.GatewayListRefreshPeriod =
                builder.Configuration.GetValue("Orleans:GatewayListRefreshPeriod", TimeSpan.FromSeconds(5)));
            client.AddActivityPropagation();
            client.AddOutgoingGrainCallFilter<TransientCallRetry>();
            client.AddDashboard(options => options.HideTrace = true);
        });
        builder.AddBillingTelemetry("gateway");

        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(ClusterSettings.Pooled(connectionString)));
        builder.Services.AddBillingGateway(builder.Configuration);
        builder.Services.AddHealthChecks()
            .AddCheck<ClusterHealthCheck>("cluster", tags: [GatewayServices.ReadyTag, GatewayServices.StartupTag])
            .AddCheck<DatabaseHealthCheck>("database", tags: [GatewayServices.ReadyTag]);
        customize?.Invoke(builder);

        var app = builder.Build();
        app.MapBillingGateway();
        return app;
    }
}
