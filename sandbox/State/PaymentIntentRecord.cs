using System.Text.Json.Nodes;

namespace OrleansBilling.Sandbox.State;

/// <summary>The payment intent behind an invoice's payment; each attempt is a charge on it.</summary>
internal sealed class PaymentIntentRecord
{
    public required string Id { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required long Amount { get; init; }

    public required string Currency { get; init; }

    public required string CustomerId { get; init; }

    public required string InvoiceId { get; init; }

    public string Status { get; set; } = "requires_payment_method";

    public string? LatestChargeId { get; set; }

    public string? PaymentMethodId { get; set; }

    public CardDecline? LastError { get; set; }

    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["object"] = "payment_intent",
        ["amount"] = Amount,
        ["amount_capturable"] = 0,
        ["amount_received"] = Status == "succeeded" ? Amount : 0,
        ["application"] = null,
        ["automatic_payment_methods"] = null,
        ["canceled_at"] = null,
        ["cancellation_reason"] = null,
        ["capture_method"] = "automatic",
        ["client_secret"] = Id + "_secret_sandbox",
        ["confirmation_method"] = "automatic",
        ["created"] = StripeJson.Unix(Created),
        ["currency"] = Currency,
        ["customer"] = CustomerId,
        ["description"] = "Subscription invoice " + InvoiceId,
        ["last_payment_error"] = LastError?.ToJson(LatestChargeId),
        ["latest_charge"] = LatestChargeId,
        ["livemode"] = false,
        ["metadata"] = new JsonObject(),
        ["payment_method"] = PaymentMethodId,
        ["payment_method_types"] = new JsonArray("card"),
        ["status"] = Status,
    };
}
