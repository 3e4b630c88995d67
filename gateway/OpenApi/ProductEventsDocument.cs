using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using OrleansBilling.GrainInterfaces.Events;
using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Gateway.OpenApi;

/// <summary>
/// The events the service posts to products' endpoints, as the document's <c>webhooks</c> (OpenAPI 3.1): one entry per type,
/// its body's schema, and the Standard Webhooks headers that sign it.
/// </summary>
internal static class ProductEventsDocument
{
    public const string Description =
        "Events the service posts to the endpoints a product registered (POST /admin/v1/products/{productId}/event-endpoints), signed as "
        + "Standard Webhooks: verify webhook-signature (HMAC-SHA256 of \"webhook-id.webhook-timestamp.body\" under the endpoint's whsec_ secret; "
        + "during a rotation two v1 signatures, either may match) and refuse a webhook-timestamp more than five minutes away. Answer 2xx within 15 s; "
        + "anything else is tried again with growing pauses for three days. An event may arrive more than once: keep its id. Each customer's "
        + "events are sent in order; keep the highest version applied per customer and ignore an event of a lower one.";

    private static readonly (string Type, Type Data, string Summary)[] Events =
    [
        (ProductEventTypes.SubscriptionCreated, typeof(SubscriptionEventData), "A subscription started: a trial, a first payment, or a win-back."),
        (ProductEventTypes.SubscriptionUpdated, typeof(SubscriptionEventData), "Its state, plan, period, trial, pending change or terms moved."),
        (ProductEventTypes.SubscriptionCanceled, typeof(SubscriptionEventData), "It ended (canceled now, at the period end, or by dunning)."),
        (ProductEventTypes.EntitlementsUpdated, typeof(EntitlementsView), "What the customer may use changed: the whole entitlements, as GET /v1/customers/{customerId}/entitlements answers."),
        (ProductEventTypes.UsageThresholdReached, typeof(UsageThresholdData), "A meter's usage reached one of the product's usage alerts (80% and 100% of its limit by default); once per period each."),
        (ProductEventTypes.DunningStepTaken, typeof(DunningStepData), "A step of the product's dunning policy was taken for an unpaid invoice."),
        (ProductEventTypes.InvoicePaid, typeof(InvoiceEventData), "An invoice of the customer was paid."),
        (ProductEventTypes.InvoicePaymentFailed, typeof(InvoiceEventData), "A payment of an invoice of the customer failed."),
        (ProductEventTypes.RefundCreated, typeof(RefundEventData), "Money went back to the customer."),
    ];

    public static async Task DescribeAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Webhooks ??= new Dictionary<string, IOpenApiPathItem>();
        foreach (var (type, data, summary) in Events)
        {
            var name = "Event" + string.Concat(type.Split('.', '_').Select(word => char.ToUpperInvariant(word[0]) + word[1..]));
            var schema = await context.GetOrCreateSchemaAsync(typeof(ProductEventEnvelope<>).MakeGenericType(data), null, cancellationToken);
            schema.Description = $"The body of {type}.";
            if (schema.Properties?.TryGetValue("type", out var typeProperty) == true && typeProperty is OpenApiSchema typeSchema)
            {
                typeSchema.Enum = [System.Text.Json.Nodes.JsonValue.Create(type)];
            }

            document.AddComponent(name, schema);
            document.Webhooks[type] = new OpenApiPathItem
            {
                Operations = new Dictionary<HttpMethod, OpenApiOperation>
                {
                    [HttpMethod.Post] = new()
                    {
                        OperationId = name,
                        Summary = summary,
                        Description = Description,
                        Tags = new HashSet<OpenApiTagReference> { new("Events", document) },
                        Parameters =
                        [
                            Header("webhook-id", "The event's id (evt_…), equal to the body's id: the same on every delivery and replay of it."),
                            Header("webhook-timestamp", "When this delivery was sent, in Unix seconds."),
                        ],
                        Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BillingOpenApi.EventSignatureScheme, document)] = [] }],
                        RequestBody = new OpenApiRequestBody
                        {
                            Required = true,
                            Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = new OpenApiSchemaReference(name, document) } },
                        },
                        Responses = new OpenApiResponses
                        {
                            ["200"] = new OpenApiResponse { Description = "Delivered (any 2xx is)." },
                            ["default"] = new OpenApiResponse { Description = "Not delivered: tried again after a pause, for up to three days." },
                        },
                    },
                },
            };
        }
    }

    private static OpenApiParameter Header(string name, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Required = true,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };
}
