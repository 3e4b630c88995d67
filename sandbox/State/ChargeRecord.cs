using System.Text.Json.Nodes;

namespace OrleansBilling.Sandbox.State;

/// <summary>One attempt to take money from a card.</summary>
internal sealed class ChargeRecord
{
    public required string Id { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required long Amount { get; init; }

    /// <summary>Whether the customer's bank disputed the charge.</summary>
    public bool Disputed { get; set; }

    public required string Currency { get; init; }

    public required string CustomerId { get; init; }

    public required string PaymentIntentId { get; init; }

    public required CardRecord Card { get; init; }

    public CardDecline? Decline { get; init; }

    public long AmountRefunded { get; set; }

    public List<RefundRecord> Refunds { get; } = [];

    public bool Succeeded => Decline is null;

    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["object"] = "charge",
        ["amount"] = Amount,
        ["amount_captured"] = Succeeded ? Amount : 0,
        ["amount_refunded"] = AmountRefunded,
        ["application"] = null,
        ["application_fee"] = null,
        ["application_fee_amount"] = null,
        ["balance_transaction"] = null,
        ["billing_details"] = new JsonObject
        {
            ["address"] = StripeJson.EmptyAddress(),
            ["email"] = null,
            ["name"] = null,
            ["phone"] = null,
            ["tax_id"] = null,
        },
        ["calculated_statement_descriptor"] = "ORLEANSBILLING",
        ["captured"] = Succeeded,
        ["created"] = StripeJson.Unix(Created),
        ["currency"] = Currency,
        ["customer"] = CustomerId,
        ["description"] = "Subscription payment",
        ["disputed"] = Disputed,
        ["failure_balance_transaction"] = null,
        ["failure_code"] = Decline?.Code,
        ["failure_message"] = Decline?.Message,
        ["fraud_details"] = new JsonObject(),
        ["livemode"] = false,
        ["metadata"] = new JsonObject(),
        ["on_behalf_of"] = null,
        ["outcome"] = new JsonObject
        {
            ["advice_code"] = null,
            ["network_advice_code"] = null,
            ["network_decline_code"] = null,
            ["network_status"] = Succeeded ? "approved_by_network" : "declined_by_network",
            ["reason"] = Decline?.DeclineCode,
            ["risk_level"] = "normal",
            ["seller_message"] = Succeeded ? "Payment complete." : "The bank did not return any further details with this decline.",
            ["type"] = Succeeded ? "authorized" : "issuer_declined",
        },
        ["paid"] = Succeeded,
        ["payment_intent"] = PaymentIntentId,
        ["payment_method"] = Card.PaymentMethodId,
        ["payment_method_details"] = new JsonObject
        {
            ["card"] = new JsonObject
            {
                ["amount_authorized"] = Succeeded ? Amount : null,
                ["authorization_code"] = null,
                ["brand"] = "visa",
                ["checks"] = new JsonObject { ["address_line1_check"] = null, ["address_postal_code_check"] = null, ["cvc_check"] = null },
                ["country"] = "US",
                ["exp_month"] = 12,
                ["exp_year"] = 2034,
                ["extended_authorization"] = null,
                ["fingerprint"] = null,
                ["funding"] = "credit",
                ["incremental_authorization"] = null,
                ["installments"] = null,
                ["last4"] = Card.Last4,
                ["mandate"] = null,
                ["multicapture"] = null,
                ["network"] = "visa",
                ["network_token"] = null,
                ["network_transaction_id"] = null,
                ["overcapture"] = null,
                ["regulated_status"] = null,
                ["three_d_secure"] = null,
                ["transaction_link_id"] = null,
                ["wallet"] = null,
            },
            ["type"] = "card",
        },
        ["receipt_email"] = null,
        ["receipt_number"] = null,
        ["receipt_url"] = null,
        ["refunded"] = Succeeded && AmountRefunded == Amount,
        ["refunds"] = StripeJson.List($"/v1/charges/{Id}/refunds", Refunds.AsEnumerable().Reverse().Select(r => r.ToJson())),
        ["review"] = null,
        ["shipping"] = null,
        ["source"] = null,
        ["source_transfer"] = null,
        ["statement_descriptor"] = null,
        ["statement_descriptor_suffix"] = null,
        ["status"] = Succeeded ? "succeeded" : "failed",
        ["transfer_data"] = null,
        ["transfer_group"] = null,
    };
}
