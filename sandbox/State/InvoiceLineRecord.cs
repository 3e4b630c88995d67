using System.Globalization;
using System.Text.Json.Nodes;

namespace OrleansBilling.Sandbox.State;

/// <summary>
/// One line of an invoice: a period of a subscription item, a proration of one, or a metered item's usage
/// in one tier (<paramref name="Quantity"/> units at <paramref name="UnitAmountDecimal"/>).
/// </summary>
internal sealed record InvoiceLineRecord(
    string Id,
    long Amount,
    string Description,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd,
    SandboxPrice Price,
    bool Proration,
    string SubscriptionId,
    string SubscriptionItemId,
    decimal Quantity = 1,
    decimal? UnitAmountDecimal = null)
{
    /// <summary>What the subscription's discounts took off this line.</summary>
    public IReadOnlyList<InvoiceDiscountAmount> DiscountAmounts { get; init; } = [];

    public JsonObject ToJson(string invoiceId) => new()
    {
        ["id"] = Id,
        ["object"] = "line_item",
        ["amount"] = Amount,
        ["currency"] = Price.Currency,
        ["description"] = Description,
        ["discount_amounts"] = new JsonArray([.. DiscountAmounts.Select(d => new JsonObject { ["amount"] = d.Amount, ["discount"] = d.DiscountId })]),
        ["discountable"] = !Proration,
        ["discounts"] = new JsonArray([.. DiscountAmounts.Select(d => (JsonNode)d.DiscountId)]),
        ["invoice"] = invoiceId,
        ["livemode"] = false,
        ["metadata"] = new JsonObject(),
        ["parent"] = new JsonObject
        {
            ["invoice_item_details"] = null,
            ["subscription_item_details"] = new JsonObject
            {
                ["invoice_item"] = null,
                ["proration"] = Proration,
                ["proration_details"] = new JsonObject { ["credited_items"] = null },
                ["subscription"] = SubscriptionId,
                ["subscription_item"] = SubscriptionItemId,
            },
            ["type"] = "subscription_item_details",
        },
        ["period"] = new JsonObject
        {
            ["end"] = StripeJson.Unix(PeriodEnd),
            ["start"] = StripeJson.Unix(PeriodStart),
        },
        ["pretax_credit_amounts"] = new JsonArray(),
        ["pricing"] = new JsonObject
        {
            ["price_details"] = new JsonObject { ["price"] = Price.Id, ["product"] = StripeJson.ProductId(Price) },
            ["type"] = "price_details",
            ["unit_amount_decimal"] = (UnitAmountDecimal ?? Price.UnitAmount).ToString(CultureInfo.InvariantCulture),
        },
        ["quantity"] = (long)Math.Round(Quantity, MidpointRounding.AwayFromZero),
        ["quantity_decimal"] = Quantity.ToString(CultureInfo.InvariantCulture),
        ["subscription"] = SubscriptionId,
        ["subtotal"] = Amount,
        ["taxes"] = new JsonArray(),
    };
}
