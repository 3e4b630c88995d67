using System.Net;
using Npgsql;
using Orleans.Configuration;
using OrleansBilling.Gateway;
using OrleansBilling.Gateway.Health;
using OrleansBilling.Gateway.Hosting;
using OrleansBilling.Grains;
using OrleansBilling.Grains.Payments;
using OrleansBilling.Grains.ReadModel;
using OrleansBilling.Silo.Database;
using OrleansBilling.Silo.Products;
using OrleansBilling.Silo.ReadModel;

namespace OrleansBilling.Silo.Hosting;

/// <summary>Wires a silo: in memory with localhost clustering by default, everything on PostgreSQL when <c>ConnectionStrings:Billing</c> is set.</summary>
public static class SiloHosting
{
    public static WebApplicationBuilder AddBillingSilo(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var connectionString = ClusterSettings.BillingConnectionString(configuration);

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(options => ClusterSettings.Apply(options, configuration));
            silo.UseSystemTextJsonGrainStorageSerializer();
            if (connectionString is null)
            {
                silo.UseLocalhostClustering(
                    configuration.GetValue("Orleans:SiloPort", EndpointOptions.DEFAULT_SILO_PORT),
                    configuration.GetValue("Orleans:GatewayPort", EndpointOptions.DEFAULT_GATEWAY_PORT));
                silo.AddMemoryGrainStorage(BillingStorage.Name);
                silo.UseInMemoryReminderService();
            }
            else
            {
                UsePostgres(silo, configuration, ClusterSettings.OrleansConnectionString(connectionString));
            }
        });

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IPaymentProvider, UnconfiguredPaymentProvider>();
        services.AddOptions<BillingOptions>().Bind(configuration.GetSection(BillingOptions.Section)).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<BillingOptions>, BillingOptionsValidator>();
        services.AddSingleton<SeededProducts>();
        services.AddHostedService<ProductSeeder>();

        var health = services.AddHealthChecks().AddCheck<SiloHealthCheck>("silo", tags: [GatewayServices.ReadyTag]);
        if (connectionString is null)
        {
            services.AddSingleton<InMemoryReadModelWriter>();
            services.AddSingleton<IReadModelWriter>(sp => sp.GetRequiredService<InMemoryReadModelWriter>());
        }
        else
        {
            services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
            services.AddSingleton<IReadModelWriter, PostgresReadModelWriter>();
            health.AddCheck<DatabaseHealthCheck>("database", tags: [GatewayServices.ReadyTag]);
        }

        services.AddBillingGateway();
        return builder;
    }

    private static void UsePostgres(ISiloBuilder silo, IConfiguration configuration, string orleansConnectionString)
    {
        silo.UseAdoNetClustering(options =>
        {
            options.Invariant = ClusterSettings.Invariant;
            options.ConnectionString = orleansConnectionString;
        });
        silo.AddAdoNetGrainStorage(BillingStorage.Name, options =>
        {
            options.Invariant = ClusterSettings.Invariant;
            options.ConnectionString = orleansConnectionString;
        });
        silo.UseAdoNetReminderService(options =>
        {
            options.Invariant = ClusterSettings.Invariant;
            options.ConnectionString = orleansConnectionString;
        });
        var siloPort = configuration.GetValue("Orleans:SiloPort", EndpointOptions.DEFAULT_SILO_PORT);
        var gatewayPort = configuration.GetValue("Orleans:GatewayPort", EndpointOptions.DEFAULT_GATEWAY_PORT);
        var listenOnAny = configuration.GetValue("Orleans:ListenOnAnyHostAddress", false);

        // Pods advertise their pod IP (downward API); without it Orleans picks this host's first address.
        if (configuration["Orleans:AdvertisedIP"] is { Length: > 0 } advertised)
        {
            silo.ConfigureEndpoints(IPAddress.Parse(advertised), siloPort, gatewayPort, listenOnAny);
        }
        else
        {
            silo.ConfigureEndpoints(siloPort, gatewayPort, listenOnAnyHostAddress: listenOnAny);
        }
    }
}
