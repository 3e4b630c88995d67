using System.Text.Json.Nodes;

namespace OrleansBilling.Sandbox.State;

/// <summary>A refund of part or all of a charge; test-mode refunds succeed at once.</summary>
internal sealed class RefundRecord
{
    public required string Id { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required long Amount { get; init; }

    public required string Currency { get; init; }

    public required string ChargeId { get; init; }

    public required string PaymentIntentId { get; init; }

    public required string CustomerId { get; init; }

    public string? Reason { get; init; }

    public Dictionary<string, string> Metadata { get; init; } = [];

    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["object"] = "refund",
        ["amount"] = Amount,
        ["balance_transaction"] = null,
        ["charge"] = ChargeId,
        ["created"] = StripeJson.Unix(Created),
        ["currency"] = Currency,
        ["customer"] = CustomerId,
        ["customer_account"] = null,
        ["destination_details"] = new JsonObject
        {
            ["card"] = new JsonObject { ["type"] = "refund" },
            ["type"] = "card",
        },
        ["metadata"] = StripeJson.Metadata(Metadata),
        ["payment_intent"] = PaymentIntentId,
        ["payment_method"] = null,
        ["reason"] = Reason,
        ["receipt_number"] = null,
        ["source_transfer_reversal"] = null,
        ["status"] = "succeeded",
        ["transfer_reversal"] = null,
    };
}
