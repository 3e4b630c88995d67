using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace OrleansBilling.Sandbox.State;

/// <summary>Pieces of JSON that many of Stripe's objects share.</summary>
internal static class StripeJson
{
    public static long Unix(DateTimeOffset time) => time.ToUnixTimeSeconds();

    public static JsonNode? Unix(DateTimeOffset? time) => time is { } value ? JsonValue.Create(value.ToUnixTimeSeconds()) : null;

    /// <summary>A time as the v2 API writes it: UTC with milliseconds, <c>2024-06-01T12:00:00.000Z</c>.</summary>
    public static string Rfc3339(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static JsonObject Metadata(IReadOnlyDictionary<string, string> metadata)
    {
        var json = new JsonObject();
        foreach (var (key, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            json[key] = value;
        }

        return json;
    }

    public static JsonObject List(string url, IEnumerable<JsonNode> data, bool hasMore = false) => new()
    {
        ["object"] = "list",
        ["data"] = new JsonArray([.. data]),
        ["has_more"] = hasMore,
        ["url"] = url,
    };

    /// <summary>A stable product id per product name, so the same catalog gives the same ids on every start.</summary>
    public static string ProductId(SandboxPrice price)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(price.ProductName));
        return "prod_" + Convert.ToHexStringLower(hash)[..14];
    }

    public static JsonObject Price(SandboxPrice price) => new()
    {
        ["id"] = price.Id,
        ["object"] = "price",
        ["active"] = true,
        ["billing_scheme"] = BillingScheme(price),
        ["created"] = 1_700_000_000L,
        ["currency"] = price.Currency,
        ["custom_unit_amount"] = null,
        ["livemode"] = false,
        ["lookup_key"] = null,
        ["metadata"] = new JsonObject(),
        ["nickname"] = price.ProductName,
        ["product"] = ProductId(price),
        ["recurring"] = new JsonObject
        {
            ["interval"] = price.Interval,
            ["interval_count"] = 1,
            ["meter"] = MeterId(price),
            ["trial_period_days"] = null,
            ["usage_type"] = UsageType(price),
        },
        ["tax_behavior"] = "unspecified",
        ["tiers_mode"] = TiersMode(price),
        ["transform_quantity"] = null,
        ["type"] = "recurring",
        ["unit_amount"] = UnitAmount(price),
        ["unit_amount_decimal"] = UnitAmountDecimal(price),
    };

    /// <summary>The id of the billing meter a metered price counts on, stable per event name; null for a licensed price.</summary>
    public static string? MeterId(SandboxPrice price) =>
        price.Metered is { } metered ? "mtr_test_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(metered.EventName)))[..24] : null;

    private static string BillingScheme(SandboxPrice price) => price.Metered is { Tiered: true } ? "tiered" : "per_unit";

    private static string UsageType(SandboxPrice price) => price.Metered is null ? "licensed" : "metered";

    private static string? TiersMode(SandboxPrice price) => price.Metered is { Tiered: true } ? "graduated" : null;

    // A tiered price has its amounts in its tiers; a fractional per-unit amount only in unit_amount_decimal.
    private static long? UnitAmount(SandboxPrice price) => price.Metered switch
    {
        null => price.UnitAmount,
        { Tiered: true } => null,
        var m => decimal.IsInteger(m.UnitAmountDecimal) ? (long)m.UnitAmountDecimal : null,
    };

    private static string? UnitAmountDecimal(SandboxPrice price) => price.Metered switch
    {
        null => price.UnitAmount.ToString(CultureInfo.InvariantCulture),
        { Tiered: true } => null,
        var m => m.UnitAmountDecimal.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The deprecated plan object Stripe still puts on subscription items beside the price.</summary>
    public static JsonObject Plan(SandboxPrice price) => new()
    {
        ["id"] = price.Id,
        ["object"] = "plan",
        ["active"] = true,
        ["amount"] = UnitAmount(price),
        ["amount_decimal"] = UnitAmountDecimal(price),
        ["billing_scheme"] = BillingScheme(price),
        ["created"] = 1_700_000_000L,
        ["currency"] = price.Currency,
        ["interval"] = price.Interval,
        ["interval_count"] = 1,
        ["livemode"] = false,
        ["metadata"] = new JsonObject(),
        ["meter"] = MeterId(price),
        ["nickname"] = price.ProductName,
        ["product"] = ProductId(price),
        ["tiers_mode"] = TiersMode(price),
        ["transform_usage"] = null,
        ["trial_period_days"] = null,
        ["usage_type"] = UsageType(price),
    };

    /// <summary>Stripe's <c>previous_attributes</c>: the old value of every top-level field that changed.</summary>
    public static JsonObject PreviousAttributes(JsonObject before, JsonObject after)
    {
        var previous = new JsonObject();
        foreach (var (key, value) in after)
        {
            var old = before[key];
            if (!JsonNode.DeepEquals(old, value))
            {
                previous[key] = old?.DeepClone();
            }
        }

        return previous;
    }

    public static JsonObject EmptyAddress() => new()
    {
        ["city"] = null,
        ["country"] = null,
        ["line1"] = null,
        ["line2"] = null,
        ["postal_code"] = null,
        ["state"] = null,
    };
}
