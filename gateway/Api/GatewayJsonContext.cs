using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Gateway.Api;

/// <summary>
/// Source-generated JSON for what the API answers and accepts: no reflection on the hot path
/// (entitlements), and the same camelCase names and enum strings as the defaults.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(EntitlementsView))]
[JsonSerializable(typeof(SubscriptionView))]
[JsonSerializable(typeof(CheckoutView))]
[JsonSerializable(typeof(PortalView))]
[JsonSerializable(typeof(DunningView))]
[JsonSerializable(typeof(IReadOnlyList<InvoiceView>))]
[JsonSerializable(typeof(PortalBody))]
[JsonSerializable(typeof(CheckoutBody))]
[JsonSerializable(typeof(CancelBody))]
[JsonSerializable(typeof(ChangePlanBody))]
[JsonSerializable(typeof(PauseBody))]
[JsonSerializable(typeof(PlanChangePreview))]
[JsonSerializable(typeof(UsageBody))]
[JsonSerializable(typeof(UsageBatchEvent))]
[JsonSerializable(typeof(UsageBatchBody))]
[JsonSerializable(typeof(UsageEventResult))]
[JsonSerializable(typeof(UsageBatchResult))]
[JsonSerializable(typeof(EntitlementsBatchBody))]
[JsonSerializable(typeof(EntitlementsBatchResult))]
[JsonSerializable(typeof(OverrideView))]
[JsonSerializable(typeof(IReadOnlyList<OverrideView>))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(long))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
