using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.OpenApi;
using OrleansBilling.Gateway.Admin;
using OrleansBilling.Gateway.Api;
using OrleansBilling.Gateway.Auth;
using OrleansBilling.Gateway.Problems;
using OrleansBilling.Gateway.Webhooks;
using Scalar.AspNetCore;

namespace OrleansBilling.Gateway;

/// <summary>Everything the HTTP surface needs, for the silo that co-hosts it and for the standalone gateway alike.</summary>
public static class GatewayServices
{
    /// <summary>Health checks tagged with this decide readiness.</summary>
    public const string ReadyTag = "ready";

    public static IServiceCollection AddBillingGateway(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            if (problem.Type is null || !problem.Type.StartsWith("urn:orleans-billing:", StringComparison.Ordinal))
            {
                problem.Type = ProblemTypes.ForStatus(problem.Status ?? context.HttpContext.Response.StatusCode);
            }
        });
        services.AddOptions<ProductKeyOptions>().BindConfiguration(ProductKeyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ProductApiKeyDirectory>();
        services.AddOptions<StripeWebhookOptions>().BindConfiguration(StripeWebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section);
        services.AddOptions<EntitlementsOptions>().BindConfiguration(EntitlementsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, GatewayJsonContext.Default);
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
        });
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "OrleansBilling";
            document.Info.Description = "Billing for a portfolio of products. Authenticate with the product's API key as a bearer token.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "The product's API key.",
            };
            return Task.CompletedTask;
        }).AddOperationTransformer((operation, context, _) =>
        {
            // Every /v1 operation needs the product's key: say so, so API explorers send it.
            if (context.Description.RelativePath?.StartsWith("v1/", StringComparison.Ordinal) == true)
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", context.Document)] = [] });
            }

            return Task.CompletedTask;
        }));
        services.AddHealthChecks();
        return services;
    }

    public static WebApplication MapBillingGateway(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<ProductKeyMiddleware>();
        app.UseMiddleware<AdminKeyMiddleware>();

        app.MapOpenApi();
        app.MapScalarApiReference("/docs", options => options.WithTitle("OrleansBilling API").WithOpenApiRoutePattern("/openapi/{documentName}.json"));
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        app.MapProductApi();
        app.MapStripeWebhook();
        app.MapAdminApi();
        return app;
    }
}
