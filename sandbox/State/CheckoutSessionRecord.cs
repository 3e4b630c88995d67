using System.Text.Json.Nodes;

namespace OrleansBilling.Sandbox.State;

/// <summary>A Checkout Session in subscription mode.</summary>
internal sealed class CheckoutSessionRecord
{
    public required string Id { get; init; }

    public required long Sequence { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public required SandboxPrice Price { get; init; }

    public required string SuccessUrl { get; init; }

    public required string CancelUrl { get; init; }

    public required string PageUrl { get; init; }

    public string Status { get; set; } = "open";

    public string PaymentStatus { get; set; } = "unpaid";

    public string? CustomerId { get; set; }

    public string? CustomerEmail { get; init; }

    public string? CompletedEmail { get; set; }

    public string? ClientReferenceId { get; init; }

    public Dictionary<string, string> Metadata { get; init; } = [];

    public Dictionary<string, string> SubscriptionMetadata { get; init; } = [];

    public long? TrialPeriodDays { get; init; }

    public bool? AllowPromotionCodes { get; init; }

    public bool AutomaticTax { get; init; }

    public string? SubscriptionId { get; set; }

    public string? InvoiceId { get; set; }

    /// <summary>The last decline on the hosted page, shown there until a card goes through.</summary>
    public string? LastError { get; set; }

    public long AmountTotal => TrialPeriodDays > 0 ? 0 : Price.UnitAmount;

    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["object"] = "checkout.session",
        ["allow_promotion_codes"] = AllowPromotionCodes,
        ["amount_subtotal"] = AmountTotal,
        ["amount_total"] = AmountTotal,
        ["automatic_tax"] = new JsonObject { ["enabled"] = AutomaticTax, ["liability"] = null, ["provider"] = null, ["status"] = null },
        ["billing_address_collection"] = null,
        ["cancel_url"] = CancelUrl,
        ["client_reference_id"] = ClientReferenceId,
        ["client_secret"] = null,
        ["created"] = StripeJson.Unix(Created),
        ["currency"] = Price.Currency,
        ["customer"] = CustomerId,
        ["customer_creation"] = CustomerEmail is null && CustomerId is null ? "always" : null,
        ["customer_details"] = Status != "complete" ? null : new JsonObject
        {
            ["address"] = null,
            ["email"] = CompletedEmail,
            ["name"] = null,
            ["phone"] = null,
            ["tax_exempt"] = "none",
            ["tax_ids"] = new JsonArray(),
        },
        ["customer_email"] = CustomerEmail,
        ["expires_at"] = StripeJson.Unix(ExpiresAt),
        ["invoice"] = InvoiceId,
        ["livemode"] = false,
        ["locale"] = null,
        ["metadata"] = StripeJson.Metadata(Metadata),
        ["mode"] = "subscription",
        ["payment_intent"] = null,
        ["payment_link"] = null,
        ["payment_method_collection"] = "always",
        ["payment_method_types"] = new JsonArray("card"),
        ["payment_status"] = PaymentStatus,
        ["setup_intent"] = null,
        ["status"] = Status,
        ["submit_type"] = null,
        ["subscription"] = SubscriptionId,
        ["success_url"] = SuccessUrl,
        ["ui_mode"] = "hosted",
        ["url"] = Status == "open" ? PageUrl : null,
    };
}
