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
        ["amount_details"] = new JsonObject { ["tip"] = new JsonObject() },
        ["amount_received"] = Status == "succeeded" ? Amount : 0,
        ["application"] = null,
        ["application_fee_amount"] = null,
        ["automatic_payment_methods"] = null,
        ["canceled_at"] = null,
        ["cancellation_reason"] = null,
        ["capture_method"] = "automatic",
        ["client_secret"] = Id + "_secret_sandbox",
        ["confirmation_method"] = "automatic",
        ["created"] = StripeJson.Unix(Created),
        ["currency"] = Currency,
        ["customer"] = CustomerId,
        ["customer_account"] = null,
        ["description"] = "Subscription invoice " + InvoiceId,
        ["excluded_payment_method_types"] = null,
        ["last_payment_error"] = LastError?.ToJson(LatestChargeId),
        ["latest_charge"] = LatestChargeId,
        ["livemode"] = false,
        ["managed_payments"] = null,
        ["metadata"] = new JsonObject(),
        ["next_action"] = null,
        ["on_behalf_of"] = null,
        ["payment_method"] = PaymentMethodId,
        ["payment_method_configuration_details"] = null,
        ["payment_method_options"] = new JsonObject(),
        ["payment_method_types"] = new JsonArray("card"),
        ["processing"] = null,
        ["receipt_email"] = null,
        ["review"] = null,
        ["setup_future_usage"] = null,
        ["shipping"] = null,
        ["source"] = null,
        ["statement_descriptor"] = null,
        ["statement_descriptor_suffix"] = null,
        ["status"] = Status,
        ["transfer_data"] = null,
        ["transfer_group"] = null,
    };
}
