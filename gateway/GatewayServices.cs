using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Dashboard;
using OrleansBilling.Gateway.Admin;
using OrleansBilling.Gateway.Api;
using OrleansBilling.Gateway.Auth;
using OrleansBilling.Gateway.Hosting;
using OrleansBilling.Gateway.SupportConsole;
using OrleansBilling.Gateway.OpenApi;
using OrleansBilling.Gateway.Problems;
using OrleansBilling.Gateway.Telemetry;
using OrleansBilling.Gateway.Webhooks;
using OrleansBilling.GrainInterfaces.Subscriptions;
using Scalar.AspNetCore;

namespace OrleansBilling.Gateway;

/// <summary>Everything the HTTP surface needs, for the silo that co-hosts it and for the standalone gateway alike.</summary>
public static class GatewayServices
{
    /// <summary>Health checks tagged with this decide readiness.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Health checks tagged with this decide whether the process has started (the startup probe).</summary>
    public const string StartupTag = "startup";

    /// <param name="services">The host's services.</param>
    /// <param name="configuration">Read for what must be known while services are registered (the console's identity provider).</param>
    public static IServiceCollection AddBillingGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);

        // Filled by the subscription grains of the silo this gateway runs in; a standalone gateway's stays empty.
        services.TryAddSingleton<LocalEntitlements>();
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            if (problem.Type is null || !problem.Type.StartsWith("urn:orleans-billing:", StringComparison.Ordinal))
            {
                problem.Type = ProblemTypes.ForStatus(problem.Status ?? context.HttpContext.Response.StatusCode);
            }

            // Every 503 says when to try again, whichever part of the service was unavailable.
            if ((problem.Status ?? context.HttpContext.Response.StatusCode) == StatusCodes.Status503ServiceUnavailable)
            {
                context.HttpContext.Response.Headers.RetryAfter = ExceptionProblems.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            }
        });
        services.AddExceptionHandler<ExceptionProblems>();
        services.AddOptions<ProductKeyOptions>().BindConfiguration(ProductKeyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ProductApiKeyDirectory>();
        services.AddOptions<FailedAttemptOptions>().BindConfiguration(FailedAttemptOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<FailedAttempts>();
        services.AddOptions<StripeWebhookOptions>().BindConfiguration(StripeWebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section);
        services.AddOptions<EntitlementsOptions>().BindConfiguration(EntitlementsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, GatewayJsonContext.Default);
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));

            // Numbers are numbers: the document and the parser agree that "5" is not 5.
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        services.AddBillingOpenApi();
        services.AddBillingConsole(configuration);
        services.AddOptions<ShutdownOptions>().BindConfiguration(ShutdownOptions.Section)
            .Validate(o => o.DrainFor >= TimeSpan.Zero && o.Timeout > o.DrainFor, "Billing:Shutdown: DrainFor is zero or more, and Timeout longer than DrainFor.")
            .ValidateOnStart();
        services.AddOptions<HostOptions>().Configure<Microsoft.Extensions.Options.IOptions<ShutdownOptions>>((host, shutdown) => host.ShutdownTimeout = shutdown.Value.Timeout);
        services.AddSingleton<GracefulShutdown>();
        services.AddHostedService(sp => sp.GetRequiredService<GracefulShutdown>());
        services.AddHealthChecks().AddCheck<GracefulShutdown>("stopping", tags: [ReadyTag]);
        if (ClusterSettings.BillingConnectionString(configuration) is not null)
        {
            PostgresKeyRing.Use(services);
        }

        return services;
    }

    public static WebApplication MapBillingGateway(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<ProductKeyMiddleware>();
        app.UseMiddleware<StaffAuthMiddleware>();
        app.UseBodyLimits();
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/console"), console => console.UseMiddleware<ConsoleHttpsOnly>());
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapOpenApi();
        app.MapScalarApiReference("/docs", options => options.WithTitle("OrleansBilling API").WithOpenApiRoutePattern("/openapi/{documentName}.json"));
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        app.MapHealthChecks("/health/startup", new HealthCheckOptions { Predicate = check => check.Tags.Contains(StartupTag) });
        app.MapBillingTelemetry();
        app.MapProductApi();
        app.MapStripeWebhook();
        app.MapAdminApi();
        app.MapRazorPages();

        // Orleans' own view of the cluster (every silo runs its half): admins of the console only.
        app.MapOrleansDashboard(ConsoleAuth.DashboardPath).RequireAuthorization(ConsoleAuth.AdminPolicy).ExcludeFromDescription();
        return app;
    }
}
