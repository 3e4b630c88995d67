using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Silo.Database;

/// <summary>
/// The discounts of terms as the <c>discounts_*</c> columns hold them: a JSON array in the order they apply, with
/// <see cref="PriceDiscount"/>'s names in snake case (<c>coupon_id</c>, <c>percent_off</c>, <c>amount_off_minor</c>,
/// <c>duration: "forever"</c>); NULL for none.
/// </summary>
internal static class DiscountsJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    };

    public static string? Write(PriceTerms? terms) =>
        terms is { Discounts.Count: > 0 } ? JsonSerializer.Serialize(terms.Discounts, Options) : null;

    public static IReadOnlyList<PriceDiscount> Read(string json) =>
        JsonSerializer.Deserialize<List<PriceDiscount>>(json, Options) ?? [];
}
