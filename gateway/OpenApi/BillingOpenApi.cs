using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using OrleansBilling.Gateway.Api;
using OrleansBilling.Gateway.Problems;
using OrleansBilling.Gateway.Webhooks;
using OrleansBilling.GrainInterfaces.Usage;

namespace OrleansBilling.Gateway.OpenApi;

/// <summary>
/// The OpenAPI document clients are generated from, true to what the API accepts and answers: who
/// may call each operation (the product's key, a staff token, Stripe's signature), what the webhook
/// takes, optional fields not marked required, and no <c>servers</c> taken from the caller's Host
/// header. Checked by the tests against every real response, and linted.
/// </summary>
public static class BillingOpenApi
{
    public const string ProductKeyScheme = "productKey";
    public const string AdminKeyScheme = "adminKey";
    public const string StripeSignatureScheme = "stripeSignature";
    public const string EventSignatureScheme = "eventSignature";

    public static IServiceCollection AddBillingOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options => options
            .AddDocumentTransformer(Describe)
            .AddDocumentTransformer(ProductEventsDocument.DescribeAsync)
            .AddOperationTransformer(Secure)
            .AddOperationTransformer(RefusesOtherMediaTypes)
            .AddOperationTransformer(CsvIsText)
            .AddSchemaTransformer(Shape));

    private static Task Describe(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "OrleansBilling";
        document.Info.Description = "Billing for a portfolio of products: product services call /v1 with their API key, "
            + "support and operations call /admin/v1 with their own staff tokens, Stripe posts its events to /webhooks/stripe.";
        document.Info.License = new OpenApiLicense { Name = "Proprietary", Identifier = "LicenseRef-Proprietary" };

        // The server is wherever the document was fetched from: never a name taken from the Host
        // header of whoever fetched it.
        document.Servers = [new OpenApiServer { Url = "/", Description = "The service that serves this document." }];
        document.Tags = new HashSet<OpenApiTag>(
        [
            new OpenApiTag { Name = "Product API", Description = "What product services call, authenticated by the product's API key; the key fixes the product." },
            new OpenApiTag { Name = "Admin", Description = "Support and operations, authenticated by a person's staff token (role support, finance or admin; a smaller role is a 403), recorded under that person's name. The bootstrap Billing:AdminKey acts as the admin 'bootstrap', to issue the first tokens." },
            new OpenApiTag { Name = "Webhooks", Description = "Stripe's events, authenticated by their signature; not for product services." },
            new OpenApiTag { Name = "Events", Description = ProductEventsDocument.Description },
        ]);
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            [ProductKeyScheme] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "The product's API key." },
            [AdminKeyScheme] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "A staff token (bst_…) issued by an admin, or the bootstrap Billing:AdminKey." },
            [StripeSignatureScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = "Stripe-Signature",
                Description = "Stripe's signature of the raw body with the endpoint's signing secret (t=…,v1=…).",
            },
            [EventSignatureScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = "webhook-signature",
                Description = "How a product checks an event the service sent it (Standard Webhooks): v1,<base64 HMAC-SHA256 of \"webhook-id.webhook-timestamp.body\" under the endpoint's whsec_ secret>; two, separated by a space, while a secret rotation lasts.",
            },
        };
        return Task.CompletedTask;
    }

    private static Task Secure(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var path = context.Description.RelativePath ?? "";
        var scheme = path.StartsWith("v1/", StringComparison.Ordinal) ? ProductKeyScheme
            : path.StartsWith("admin/", StringComparison.Ordinal) ? AdminKeyScheme
            : path == StripeWebhookEndpoint.Path.TrimStart('/') ? StripeSignatureScheme
            : null;
        if (scheme is not null)
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] }];
        }

        // Which staff role the operation needs: the endpoint's own declaration, else its group's (the last one).
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<Admin.RequiresStaffRole>().LastOrDefault() is { } role)
        {
            operation.Description = $"{operation.Description} Needs the {role.Role} role (a staff token of a smaller one is a 403).".Trim();
        }

        if (scheme == StripeSignatureScheme)
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = $"A Stripe event exactly as Stripe sends it (at most {BodyLimits.Webhook} bytes), at API version {Stripe.StripeConfiguration.ApiVersion}.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new()
                    {
                        Schema = new OpenApiSchema
                        {
                            Type = JsonSchemaType.Object,
                            Required = new HashSet<string> { "id", "type", "data" },
                            Properties = new Dictionary<string, IOpenApiSchema>
                            {
                                ["id"] = new OpenApiSchema { Type = JsonSchemaType.String },
                                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
                                ["api_version"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                                ["created"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
                                ["data"] = new OpenApiSchema { Type = JsonSchemaType.Object },
                            },
                        },
                    },
                },
            };
        }

        return Task.CompletedTask;
    }

    /// <summary>An operation that binds a JSON body answers 415 to a body of another media type (the framework's refusal, as a problem).</summary>
    private static Task RefusesOtherMediaTypes(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var bindsBody = context.Description.ParameterDescriptions.Any(p => p.Source == Microsoft.AspNetCore.Mvc.ModelBinding.BindingSource.Body);
        if (bindsBody && operation.Responses?.TryGetValue("413", out var tooLarge) == true)
        {
            operation.Responses["415"] = new OpenApiResponse { Description = "Unsupported Media Type", Content = tooLarge.Content };
        }

        return Task.CompletedTask;
    }

    /// <summary>A report's CSV answer is text (RFC 4180, a header line of the JSON names), not the JSON array's schema.</summary>
    private static Task CsvIsText(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var response in operation.Responses?.Values.AsEnumerable() ?? [])
        {
            if (response.Content?.TryGetValue(Admin.ReportsAdminApi.Csv, out var csv) == true && csv is OpenApiMediaType media)
            {
                media.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "CSV (RFC 4180): a header of the JSON field names, then one line per row." };
            }
        }

        return Task.CompletedTask;
    }

    private static Task Shape(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;

        // An enum schema is shared by its nullable and its plain uses: null belongs at the use site
        // (a oneOf with null), else null would match both branches of that oneOf.
        if (schema.Enum is { Count: > 0 } values && values.Any(v => v is null))
        {
            schema.Enum = [.. values.Where(v => v is not null)];
        }

        // Fields read by converters of their own, so a bad one is an event's error and not the request's.
        if (type == typeof(UsageQuantity))
        {
            schema.Type = JsonSchemaType.Number;
            schema.Minimum = "0";
            schema.Description = $"At most {UsageQuantities.MaxDecimals} decimal places and {UsageQuantities.MaxDigits} significant digits, and at most the meter's maximum ({UsageQuantities.DefaultMax:0} unless the catalog sets MaxQuantity).";
        }
        else if (type == typeof(UsageTimestamp))
        {
            schema.OneOf = [new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" }, new OpenApiSchema { Type = JsonSchemaType.Integer, Description = "Unix seconds." }];
        }
        else if (type == typeof(JsonElement) || (type == typeof(object) && context.JsonPropertyInfo?.Name == "value"))
        {
            // An override's value: true or false for a feature, a whole number for a limit.
            schema.Type = JsonSchemaType.Boolean | JsonSchemaType.Integer;
        }

        return Task.CompletedTask;
    }
}
