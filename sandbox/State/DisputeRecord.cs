using System.Text.Json.Nodes;

namespace OrleansBilling.Sandbox.State;

/// <summary>A customer's bank disputing a charge: opened as <c>needs_response</c>, closed as won or lost.</summary>
internal sealed class DisputeRecord
{
    public required string Id { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required ChargeRecord Charge { get; init; }

    public required string Reason { get; init; }

    public string Status { get; set; } = "needs_response";

    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["object"] = "dispute",
        ["amount"] = Charge.Amount,
        ["balance_transactions"] = new JsonArray(),
        ["charge"] = Charge.Id,
        ["created"] = StripeJson.Unix(Created),
        ["currency"] = Charge.Currency,
        ["enhanced_eligibility_types"] = new JsonArray(),
        ["evidence"] = null,
        ["evidence_details"] = new JsonObject
        {
            ["due_by"] = StripeJson.Unix(Created.AddDays(7)),
            ["enhanced_eligibility"] = new JsonObject(),
            ["has_evidence"] = false,
            ["past_due"] = false,
            ["submission_count"] = 0,
        },
        ["is_charge_refundable"] = false,
        ["livemode"] = false,
        ["metadata"] = new JsonObject(),
        ["payment_intent"] = Charge.PaymentIntentId,
        ["payment_method_details"] = null,
        ["reason"] = Reason,
        ["status"] = Status,
    };
}
