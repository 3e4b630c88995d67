using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OrleansBilling.GrainInterfaces;

namespace OrleansBilling.Gateway.Telemetry;

/// <summary>
/// OpenTelemetry for the silo and the standalone gateway alike. Traces: ASP.NET Core, HttpClient (Stripe,
/// Brevo), Npgsql and Orleans' own sources, so a request, its grain calls and the Stripe call it makes are
/// one trace (with Orleans' activity propagation, which each host turns on). Metrics: the same plus the
/// .NET runtime, Orleans' meter and this service's (<see cref="BillingMeter.Name"/>). Exported over OTLP
/// when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the SDK reads the other <c>OTEL_*</c> variables too);
/// scraped by Prometheus at <see cref="ScrapePath"/> unless <c>Billing:Telemetry:Prometheus</c> is false.
/// Log lines carry the trace and span ids of the request they belong to (as a scope; JSON lines with
/// <c>Logging:Console:FormatterName=json</c>).
/// </summary>
public static class BillingTelemetry
{
    public const string ScrapePath = "/metrics";

    /// <summary>Orleans' meter (grain calls, activations, membership, storage).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>Orleans' activity sources: grain calls (under the runtime's source when made inside a silo) and the runtime's own work, whose roots <see cref="QuietRuntimeSampler"/> leaves out.</summary>
    public static readonly string[] OrleansSources = ["Microsoft.Orleans.Application", "Microsoft.Orleans.Runtime"];

    /// <param name="builder">The host.</param>
    /// <param name="role">What this process is (<c>silo</c> or <c>gateway</c>): the service name unless <c>OTEL_SERVICE_NAME</c> says otherwise.</param>
    public static WebApplicationBuilder AddBillingTelemetry(this WebApplicationBuilder builder, string role)
    {
        var configuration = builder.Configuration;
        builder.Services.AddSingleton<GatewayMetrics>();
        builder.Logging.Configure(options => options.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                .AddService(
                    serviceName: configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : $"orleans-billing-{role}",
                    serviceInstanceId: configuration["POD_NAME"] is { Length: > 0 } pod ? pod : Environment.MachineName)
                .AddAttributes(configuration["POD_NAMESPACE"] is { Length: > 0 } ns ? [new KeyValuePair<string, object>("k8s.namespace.name", ns)] : []))
            .WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new QuietRuntimeSampler(new TraceIdRatioBasedSampler(TraceRatio(configuration)))))
                .AddAspNetCoreInstrumentation(options => options.Filter = http => !IsPlumbing(http.Request.Path))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddSource(OrleansSources))
            .WithMetrics(metrics =>
            {
                metrics
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddNpgsqlInstrumentation()
                    .AddMeter(OrleansMeter, BillingMeter.Name);
                if (PrometheusEnabled(configuration))
                {
                    metrics.AddPrometheusExporter();
                }
            });
        if (configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 })
        {
            telemetry.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>The Prometheus scrape endpoint, when on.</summary>
    public static WebApplication MapBillingTelemetry(this WebApplication app)
    {
        if (PrometheusEnabled(app.Configuration))
        {
            app.MapPrometheusScrapingEndpoint(ScrapePath).ExcludeFromDescription();
        }

        return app;
    }

    private static bool PrometheusEnabled(IConfiguration configuration) => configuration.GetValue("Billing:Telemetry:Prometheus", true);

    /// <summary>The share of requests traced (<c>Billing:Telemetry:TraceRatio</c>, 0 to 1; all by default). A request that arrives traced by its caller follows the caller's decision.</summary>
    private static double TraceRatio(IConfiguration configuration) => Math.Clamp(configuration.GetValue("Billing:Telemetry:TraceRatio", 1.0), 0, 1);

    /// <summary>Probes and scrapes come every few seconds from the platform: no trace for them.</summary>
    private static bool IsPlumbing(PathString path) => path.StartsWithSegments("/health") || path.StartsWithSegments(ScrapePath);
}
