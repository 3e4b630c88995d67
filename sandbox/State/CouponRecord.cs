using System.Text.Json.Nodes;

namespace OrleansBilling.Sandbox.State;

/// <summary>A coupon: a percentage or an amount off, for once, some months or forever.</summary>
internal sealed class CouponRecord
{
    public required string Id { get; init; }

    public required DateTimeOffset Created { get; init; }

    public decimal? PercentOff { get; init; }

    public long? AmountOff { get; init; }

    public string? Currency { get; init; }

    /// <summary><c>once</c>, <c>repeating</c> or <c>forever</c>.</summary>
    public required string Duration { get; init; }

    public int? DurationInMonths { get; init; }

    public string? Name { get; init; }

    public int TimesRedeemed { get; set; }

    /// <summary>What it takes off <paramref name="amount"/> (minor units, in <paramref name="currency"/>), never more than all of it.</summary>
    public long Off(long amount, string currency) => this switch
    {
        { PercentOff: { } percent } => (long)Math.Round(amount * percent / 100, MidpointRounding.AwayFromZero),
        { AmountOff: { } off } when Currency == currency => Math.Min(amount, off),
        _ => 0,
    };

    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["object"] = "coupon",
        ["amount_off"] = AmountOff,
        ["created"] = StripeJson.Unix(Created),
        ["currency"] = Currency,
        ["duration"] = Duration,
        ["duration_in_months"] = DurationInMonths,
        ["livemode"] = false,
        ["max_redemptions"] = null,
        ["metadata"] = new JsonObject(),
        ["name"] = Name,
        ["percent_off"] = PercentOff,
        ["redeem_by"] = null,
        ["times_redeemed"] = TimesRedeemed,
        ["valid"] = true,
    };
}

/// <summary>A coupon applied to a subscription: from when, and until when for a repeating one.</summary>
internal sealed record DiscountRecord(string Id, CouponRecord Coupon, string CustomerId, string SubscriptionId, DateTimeOffset Start, DateTimeOffset? End)
{
    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["object"] = "discount",
        ["checkout_session"] = null,
        ["customer"] = CustomerId,
        ["customer_account"] = null,
        ["end"] = StripeJson.Unix(End),
        ["invoice"] = null,
        ["invoice_item"] = null,
        ["promotion_code"] = null,
        ["source"] = new JsonObject { ["coupon"] = Coupon.Id, ["type"] = "coupon" },
        ["start"] = StripeJson.Unix(Start),
        ["subscription"] = SubscriptionId,
        ["subscription_item"] = null,
    };
}

/// <summary>What one discount took off an invoice.</summary>
internal sealed record InvoiceDiscountAmount(string DiscountId, long Amount);
