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

    /// <summary>Metered prices sold beside <see cref="Price"/>: nothing to pay for them now, their usage is billed later.</summary>
    public IReadOnlyList<SandboxPrice> MeteredPrices { get; init; } = [];

    public required string SuccessUrl { get; init; }

    /// <summary>Where "back" leads; optional at Stripe, so a page without it offers no way back.</summary>
    public string? CancelUrl { get; init; }

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

    /// <summary><c>subscription_data[billing_mode][type]</c> of the subscription the session starts.</summary>
    public string BillingMode { get; init; } = "classic";

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
        ["adaptive_pricing"] = new JsonObject { ["enabled"] = false },
        ["after_expiration"] = null,
        ["allow_promotion_codes"] = AllowPromotionCodes,
        ["amount_subtotal"] = AmountTotal,
        ["amount_total"] = AmountTotal,
        ["automatic_tax"] = new JsonObject { ["enabled"] = AutomaticTax, ["liability"] = null, ["provider"] = null, ["status"] = null },
        ["billing_address_collection"] = null,
        ["cancel_url"] = CancelUrl,
        ["client_reference_id"] = ClientReferenceId,
        ["client_secret"] = null,
        ["collected_information"] = Status != "complete" ? null : new JsonObject { ["business_name"] = null, ["individual_name"] = null, ["shipping_details"] = null },
        ["consent"] = null,
        ["consent_collection"] = null,
        ["created"] = StripeJson.Unix(Created),
        ["currency"] = Price.Currency,
        ["currency_conversion"] = null,
        ["custom_fields"] = new JsonArray(),
        ["custom_text"] = new JsonObject { ["after_submit"] = null, ["shipping_address"] = null, ["submit"] = null, ["terms_of_service_acceptance"] = null },
        ["customer"] = CustomerId,
        ["customer_account"] = null,
        ["customer_creation"] = CustomerEmail is null && CustomerId is null ? "always" : null,
        ["customer_details"] = Status != "complete" ? null : new JsonObject
        {
            ["address"] = null,
            ["business_name"] = null,
            ["email"] = CompletedEmail,
            ["individual_name"] = null,
            ["name"] = null,
            ["phone"] = null,
            ["tax_exempt"] = "none",
            ["tax_ids"] = new JsonArray(),
        },
        ["customer_email"] = CustomerEmail,
        ["discounts"] = new JsonArray(),
        ["expires_at"] = StripeJson.Unix(ExpiresAt),
        ["integration_identifier"] = null,
        ["invoice"] = InvoiceId,
        ["invoice_creation"] = null,
        ["livemode"] = false,
        ["locale"] = null,
        ["managed_payments"] = null,
        ["metadata"] = StripeJson.Metadata(Metadata),
        ["mode"] = "subscription",
        ["origin_context"] = null,
        ["payment_intent"] = null,
        ["payment_link"] = null,
        ["payment_method_collection"] = "always",
        ["payment_method_configuration_details"] = null,
        ["payment_method_options"] = new JsonObject(),
        ["payment_method_types"] = new JsonArray("card"),
        ["payment_status"] = PaymentStatus,
        ["permissions"] = null,
        ["phone_number_collection"] = new JsonObject { ["enabled"] = false },
        ["recovered_from"] = null,
        ["saved_payment_method_options"] = null,
        ["setup_intent"] = null,
        ["shipping_address_collection"] = null,
        ["shipping_cost"] = null,
        ["shipping_options"] = new JsonArray(),
        ["status"] = Status,
        ["submit_type"] = null,
        ["subscription"] = SubscriptionId,
        ["success_url"] = SuccessUrl,
        ["total_details"] = new JsonObject { ["amount_discount"] = 0, ["amount_shipping"] = 0, ["amount_tax"] = 0 },
        ["ui_mode"] = "hosted",
        ["url"] = Status == "open" ? PageUrl : null,
        ["wallet_options"] = null,
    };
}
