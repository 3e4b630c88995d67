using System.Net;
using Npgsql;
using Orleans.Configuration;
using Orleans.Dashboard;
using OrleansBilling.Gateway.Health;
using OrleansBilling.Gateway.Hosting;
using OrleansBilling.Gateway.Telemetry;
using OrleansBilling.Gateway;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Reporting;
using OrleansBilling.Grains.Effects;
using OrleansBilling.Grains.Events;
using OrleansBilling.Grains.Payments;
using OrleansBilling.Grains.ReadModel;
using OrleansBilling.Grains.Reporting;
using OrleansBilling.Grains.Staff;
using OrleansBilling.Grains.Stripe.Webhooks;
using OrleansBilling.Grains.Stripe;
using OrleansBilling.Grains.Usage;
using OrleansBilling.Grains;
using OrleansBilling.Sandbox;
using OrleansBilling.Silo.Database;
using OrleansBilling.Silo.Email;
using OrleansBilling.Silo.Events;
using OrleansBilling.Silo.Payments;
using OrleansBilling.Silo.Products;
using OrleansBilling.Silo.ReadModel;
using OrleansBilling.Silo.Usage;
using OrleansBilling.Silo.Webhooks;

namespace OrleansBilling.Silo.Hosting;

/// <summary>Wires a silo: in memory with localhost clustering by default, everything on PostgreSQL when <c>ConnectionStrings:Billing</c> is set.</summary>
public static class SiloHosting
{
    public static WebApplicationBuilder AddBillingSilo(this WebApplicationBuilder builder, SandboxMode sandbox)
    {
        var configuration = builder.Configuration;
        var connectionString = ClusterSettings.BillingConnectionString(configuration);

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(options => ClusterSettings.Apply(options, configuration));
            silo.UseSystemTextJsonGrainStorageSerializer();
            silo.AddActivityPropagation();

            // Orleans' own defaults unless Orleans:Membership says otherwise (k8s/README.md: what the failover test measured).
            silo.Configure<ClusterMembershipOptions>(configuration.GetSection("Orleans:Membership"));

            // A silo short of memory deactivates its least recently used activations (Orleans' shedding: above 80% of the
            // memory Orleans counts as available, down to 75%) rather than be killed for it; an idle one goes after CollectionAge (15 min).
            // Orleans:GrainCollection:* changes either (bench/README.md, "Memory per customer").
            silo.Configure<GrainCollectionOptions>(options => options.EnableActivationSheddingOnMemoryPressure = true);
            silo.Configure<GrainCollectionOptions>(configuration.GetSection("Orleans:GrainCollection"));
            silo.AddDashboard(options => options.HideTrace = true);

            // A pod's name (Orleans:SiloName from the downward API) names the silo in the membership table and the dashboard.
            if (configuration["Orleans:SiloName"] is { Length: > 0 } siloName)
            {
                silo.Configure<SiloOptions>(options => options.SiloName = siloName);
            }
            if (sandbox.Enabled)
            {
                // The sandbox clock jumps: re-read due reminders often so a jump wakes them promptly.
                silo.Configure<ReminderOptions>(options => options.RefreshReminderListPeriod = TimeSpan.FromSeconds(1));
            }

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
        services.AddSingleton(sandbox);
        services.AddOptions<StripeOptions>()
            .BindConfiguration(StripeOptions.Section)
            .Validate(
                stripe => !string.IsNullOrEmpty(stripe.ApiKey),
                "Stripe:ApiKey is required: the secret key of the Stripe account (sk_live_… or sk_test_…). Only the local sandbox needs none.")
            .Validate(
                stripe => stripe.RequestsPerSecond is null or 0 or >= 0.1 && stripe.LongestRateLimitWait > TimeSpan.Zero && stripe.LongestRateLimitWait < TimeSpan.FromSeconds(20),
                "Stripe:RequestsPerSecond must be 0 (no limit) or at least 0.1, and Stripe:LongestRateLimitWait between 0 and the Stripe client's 20 s timeout.")
            .ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var stripe = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<StripeOptions>>().Value;
            var membership = sp.GetRequiredService<IClusterMembershipService>();
            return new StripeRequestBudget(stripe.EffectiveRequestsPerSecond(sandbox.Enabled), stripe.LongestRateLimitWait, sp.GetRequiredService<TimeProvider>(),
                () => membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active));
        });
        services.AddTransient<StripeRateLimitHandler>();
        // Under Orleans' 30 s response timeout, so a slow Stripe call fails inside the grain call
        // (and is answered as "provider unavailable") instead of outliving its caller.
        services.AddHttpClient(StripeClientSource.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(20))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .AddHttpMessageHandler<StripeRateLimitHandler>();
        services.AddSingleton<IStripeClientSource, StripeClientSource>();
        services.AddSingleton<IPaymentProvider, StripePaymentProvider>();
        services.AddBrevoEmail(sandbox);
        if (sandbox.Enabled)
        {
            services.AddStripeSandbox(options =>
            {
                options.WebhookSecret = configuration["Stripe:WebhookSecret"] ?? "";
                options.Prices.AddRange(SandboxPrices(configuration));
            });
            services.UseBillingClock(sp => sp.GetRequiredService<SandboxClock>());
            if (configuration.GetValue("Billing:Events:SandboxReceiver", true))
            {
                services.AddHostedService<SandboxReceiverSeeder>();
            }
        }
        else
        {
            services.UseBillingClock(_ => TimeProvider.System);
        }

        services.AddOptions<BillingOptions>().Bind(configuration.GetSection(BillingOptions.Section)).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<BillingOptions>, BillingOptionsValidator>();
        services.AddSingleton<SeededProducts>();
        services.AddOptions<ReportingOptions>().BindConfiguration(ReportingOptions.Section)
            .Validate(o => Enum.IsDefined(o.ChurnAt) && o.PastDueCountsFor is null or { Days: >= 0 and <= 3650 } && o.SuspendedCountsFor is { Days: >= 0 and <= 3650 } && o.SuspendedCountsFor >= TimeSpan.Zero && o.PastDueCountsFor is not { Ticks: < 0 },
                "Billing:Reporting: ChurnAt is SubscriptionEnds or CancellationScheduled; PastDueCountsFor (omit it for as long as past due) and SuspendedCountsFor are durations from 0 to 3650 days.")
            .ValidateOnStart();
        services.AddOptions<ExchangeRateOptions>().BindConfiguration(ExchangeRateOptions.Section)
            .Validate(o => !o.Problems().Any(), "Billing:ExchangeRates: a lower-case ISO 4217 Currency, and Rates:<currency>:<yyyy-MM-dd> above 0.")
            .ValidateOnStart();
        services.AddHostedService<ProductSeeder>();

        builder.AddBillingTelemetry("silo");
        services.AddSingleton<ClusterMetrics>();
        var health = services.AddHealthChecks().AddCheck<SiloHealthCheck>("silo", tags: [GatewayServices.ReadyTag, GatewayServices.StartupTag]);
        if (connectionString is null)
        {
            services.AddSingleton<InMemoryReadModelWriter>();
            services.AddSingleton<IReadModelWriter>(sp => sp.GetRequiredService<InMemoryReadModelWriter>());
            services.AddSingleton<IHistoryReader>(sp => sp.GetRequiredService<InMemoryReadModelWriter>());
            services.AddSingleton<ICustomerSearch>(sp => sp.GetRequiredService<InMemoryReadModelWriter>());
            services.AddSingleton<IReportingHistory>(sp => sp.GetRequiredService<InMemoryReadModelWriter>());
            services.AddSingleton<IReportTotals, RebuiltReportTotals>();
            services.AddSingleton<IStaffAuditTrail, InMemoryStaffAuditTrail>();
            services.AddSingleton<InMemoryUsageJournal>();
            services.AddSingleton<IUsageJournal>(sp => sp.GetRequiredService<InMemoryUsageJournal>());
            services.AddSingleton<InMemoryStripeEventStore>();
            services.AddSingleton<IStripeEventStore>(sp => sp.GetRequiredService<InMemoryStripeEventStore>());
            services.AddSingleton<IProductEventStore, InMemoryProductEventStore>();
        }
        else
        {
            services.AddSingleton(_ => NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(ClusterSettings.Pooled(connectionString)) { MaxAutoPrepare = 32, AutoPrepareMinUsages = 2 }.ConnectionString));
            services.AddSingleton<PostgresReadModelWriter>();
            services.AddSingleton<IReadModelWriter>(sp => sp.GetRequiredService<PostgresReadModelWriter>());
            services.AddSingleton<IHistoryReader>(sp => sp.GetRequiredService<PostgresReadModelWriter>());
            services.AddSingleton<ICustomerSearch, PostgresCustomerSearch>();
            services.AddSingleton<IReportingHistory>(sp => sp.GetRequiredService<PostgresReadModelWriter>());
            services.AddSingleton<IReportTotals, PostgresReportTotals>();
            services.AddSingleton<ReportingProjector>();

            // Every silo runs it (one at a time works, by a lock); off only to measure what it costs (bench/reporting.sh).
            if (configuration.GetValue($"{ReportingOptions.Section}:Projector", true))
            {
                services.AddHostedService(sp => sp.GetRequiredService<ReportingProjector>());
            }
            services.AddSingleton<IStaffAuditTrail, PostgresStaffAuditTrail>();
            services.AddOptions<PostgresUsageJournalOptions>()
                .BindConfiguration(PostgresUsageJournalOptions.Section)
                .ValidateDataAnnotations()
                .ValidateOnStart();
            // Disposed by the container after the silo has stopped, which writes what is still queued.
            services.AddSingleton<IUsageJournal, PostgresUsageJournal>();
            services.AddKeyedSingleton(PostgresProductEventStore.Bookkeeping, (_, _) => NpgsqlDataSource.Create(PostgresProductEventStore.WithoutCommitWait(connectionString)));
            services.AddSingleton<IStripeEventStore>(sp => new PostgresStripeEventStore(
                sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredKeyedService<NpgsqlDataSource>(PostgresProductEventStore.Bookkeeping)));
            services.AddSingleton<IProductEventStore>(sp => new PostgresProductEventStore(
                sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredKeyedService<NpgsqlDataSource>(PostgresProductEventStore.Bookkeeping)));
            health.AddCheck<DatabaseHealthCheck>("database", tags: [GatewayServices.ReadyTag]);
            health.AddCheck<MigrationsHealthCheck>("migrations", tags: [GatewayServices.StartupTag]);
        }

        services.AddBillingEffects();
        services.AddHostedService<EventDeliverySweep>();
        services.AddSingleton<OverdueWakeUps>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<OverdueWakeUps>());
        services.AddBillingGateway(configuration);
        return builder;
    }

    /// <summary>The sandbox bills the prices of every product this silo seeds.</summary>
    private static IEnumerable<SandboxPrice> SandboxPrices(IConfiguration configuration)
    {
        var declared = configuration.GetSection(BillingOptions.Section).Get<BillingOptions>()?.Products ?? [];
        var products = declared.Select(p => p.Value.ToDefinition(p.Key).Definition).OfType<ProductDefinition>().Append(DemoProduct.Definition);
        return products.SelectMany(ProductPrices).DistinctBy(price => price.Id);
    }

    /// <summary>A product's prices as its Stripe account would hold them: each plan's, and each billing meter's on each plan.</summary>
    public static IEnumerable<SandboxPrice> ProductPrices(ProductDefinition product)
    {
        foreach (var plan in product.Plans)
        {
            var interval = plan.Interval.ToString().ToLowerInvariant();
            yield return new SandboxPrice(plan.ProviderPriceId, $"{product.Name} {plan.Name}", plan.AmountMinor, plan.Currency, interval);
            foreach (var meter in product.Meters ?? [])
            {
                if (meter.PriceFor(plan.PlanId) is { } price)
                {
                    yield return new SandboxPrice(price.ProviderPriceId, $"{product.Name} {plan.Name} {meter.MeterId}", 0, plan.Currency, interval)
                    {
                        Metered = new SandboxMeteredPrice(meter.ProviderEventName, meter.Aggregation.ToString().ToLowerInvariant(), price.UnitAmountMinor, price.IncludedUnits),
                    };
                }
            }
        }
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
