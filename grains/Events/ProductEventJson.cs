using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansBilling.GrainInterfaces.Events;
using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Grains.Events;

/// <summary>
/// The JSON of events to products: the API's conventions (camelCase, enums as strings), so an
/// <c>entitlements.updated</c> carries exactly what <c>GET /v1/customers/{id}/entitlements</c> answers.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ProductEventEnvelope<SubscriptionEventData>))]
[JsonSerializable(typeof(ProductEventEnvelope<EntitlementsView>))]
[JsonSerializable(typeof(ProductEventEnvelope<UsageThresholdData>))]
[JsonSerializable(typeof(ProductEventEnvelope<DunningStepData>))]
[JsonSerializable(typeof(ProductEventEnvelope<InvoiceEventData>))]
[JsonSerializable(typeof(ProductEventEnvelope<RefundEventData>))]
[JsonSerializable(typeof(EntitlementsView))]
public sealed partial class ProductEventJson : JsonSerializerContext;
