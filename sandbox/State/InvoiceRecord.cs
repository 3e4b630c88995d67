using System.Text.Json.Nodes;

namespace OrleansBilling.Sandbox.State;

/// <summary>A subscription invoice.</summary>
internal sealed class InvoiceRecord
{
    public required string Id { get; init; }

    public required long Sequence { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required string CustomerId { get; init; }

    public string? CustomerEmail { get; init; }

    public string? CustomerName { get; init; }

    public required string SubscriptionId { get; init; }

    /// <summary>The subscription's metadata when the invoice was made, as Stripe copies it.</summary>
    public required Dictionary<string, string> SubscriptionMetadata { get; init; }

    public required string BillingReason { get; init; }

    public required string Currency { get; init; }

    public required List<InvoiceLineRecord> Lines { get; init; }

    /// <summary>The usage period, which for a subscription invoice looks back one period (the lines hold the new one).</summary>
    public required DateTimeOffset PeriodStart { get; init; }

    public required DateTimeOffset PeriodEnd { get; init; }

    public required string HostedUrl { get; init; }

    public string Status { get; set; } = "draft";

    public string? Number { get; set; }

    public long StartingBalance { get; set; }

    public long? EndingBalance { get; set; }

    public long AmountDue { get; set; }

    public long AmountPaid { get; set; }

    public int AttemptCount { get; set; }

    public DateTimeOffset? FinalizedAt { get; set; }

    public DateTimeOffset? PaidAt { get; set; }

    public DateTimeOffset? VoidedAt { get; set; }

    public DateTimeOffset? MarkedUncollectibleAt { get; set; }

    public string? PaymentIntentId { get; set; }

    public string? InvoicePaymentId { get; set; }

    /// <summary>What the subscription's discounts took off, in the order they applied.</summary>
    public IReadOnlyList<InvoiceDiscountAmount> DiscountAmounts { get; init; } = [];

    public long Subtotal => Lines.Sum(l => l.Amount);

    public long Total => Subtotal - DiscountAmounts.Sum(d => d.Amount);

    /// <summary>
    /// The invoice's payments: an includable field at Stripe, answered only when asked for with
    /// <c>expand[]=payments</c> (<c>data.payments</c> on a list), never in an event.
    /// </summary>
    public JsonObject PaymentsJson()
    {
        var payments = new List<JsonNode>();
        if (PaymentIntentId is not null)
        {
            payments.Add(new JsonObject
            {
                ["id"] = InvoicePaymentId,
                ["object"] = "invoice_payment",
                ["amount_paid"] = Status == "paid" ? AmountPaid : null,
                ["amount_requested"] = AmountDue,
                ["created"] = StripeJson.Unix(Created),
                ["currency"] = Currency,
                ["invoice"] = Id,
                ["is_default"] = true,
                ["livemode"] = false,
                ["payment"] = new JsonObject { ["payment_intent"] = PaymentIntentId, ["type"] = "payment_intent" },
                ["status"] = Status == "paid" ? "paid" : "open",
                ["status_transitions"] = new JsonObject { ["canceled_at"] = null, ["paid_at"] = StripeJson.Unix(PaidAt) },
            });
        }

        return StripeJson.List($"/v1/invoice_payments?invoice={Id}", payments);
    }

    public JsonObject ToJson()
    {
        var amountRemaining = Status is "paid" or "void" ? 0 : AmountDue - AmountPaid;
        return new JsonObject
        {
            ["id"] = Id,
            ["object"] = "invoice",
            ["account_country"] = "US",
            ["account_name"] = "OrleansBilling sandbox",
            ["account_tax_ids"] = null,
            ["amount_due"] = AmountDue,
            ["amount_overpaid"] = 0,
            ["amount_paid"] = AmountPaid,
            ["amount_remaining"] = amountRemaining,
            ["amount_shipping"] = 0,
            ["application"] = null,
            ["attempt_count"] = AttemptCount,
            ["attempted"] = AttemptCount > 0,
            ["auto_advance"] = Status is "draft" or "open",
            ["automatically_finalizes_at"] = null,
            ["automatic_tax"] = new JsonObject { ["disabled_reason"] = null, ["enabled"] = false, ["liability"] = null, ["provider"] = null, ["status"] = null },
            ["billing_reason"] = BillingReason,
            ["collection_method"] = "charge_automatically",
            ["created"] = StripeJson.Unix(Created),
            ["currency"] = Currency,
            ["custom_fields"] = null,
            ["customer"] = CustomerId,
            ["customer_account"] = null,
            ["customer_address"] = null,
            ["customer_email"] = CustomerEmail,
            ["customer_name"] = CustomerName,
            ["customer_phone"] = null,
            ["customer_shipping"] = null,
            ["customer_tax_exempt"] = "none",
            ["customer_tax_ids"] = new JsonArray(),
            ["default_payment_method"] = null,
            ["default_source"] = null,
            ["default_tax_rates"] = new JsonArray(),
            ["description"] = null,
            ["discounts"] = new JsonArray([.. DiscountAmounts.Select(d => (JsonNode)d.DiscountId)]),
            ["due_date"] = null,
            ["effective_at"] = StripeJson.Unix(FinalizedAt),
            ["ending_balance"] = EndingBalance,
            ["footer"] = null,
            ["from_invoice"] = null,
            ["hosted_invoice_url"] = Status == "draft" ? null : HostedUrl,
            ["invoice_pdf"] = null,
            ["issuer"] = new JsonObject { ["type"] = "self" },
            ["last_finalization_error"] = null,
            ["latest_revision"] = null,
            ["lines"] = StripeJson.List($"/v1/invoices/{Id}/lines", Lines.Select(l => l.ToJson(Id))),
            ["livemode"] = false,
            ["metadata"] = new JsonObject(),
            ["next_payment_attempt"] = null,
            ["number"] = Number,
            ["on_behalf_of"] = null,
            ["parent"] = new JsonObject
            {
                ["quote_details"] = null,
                ["subscription_details"] = new JsonObject
                {
                    ["metadata"] = StripeJson.Metadata(SubscriptionMetadata),
                    ["subscription"] = SubscriptionId,
                },
                ["type"] = "subscription_details",
            },
            ["payment_settings"] = new JsonObject { ["default_mandate"] = null, ["payment_method_options"] = null, ["payment_method_types"] = null },
            ["period_end"] = StripeJson.Unix(PeriodEnd),
            ["period_start"] = StripeJson.Unix(PeriodStart),
            ["post_payment_credit_notes_amount"] = 0,
            ["pre_payment_credit_notes_amount"] = 0,
            ["receipt_number"] = null,
            ["rendering"] = null,
            ["shipping_cost"] = null,
            ["shipping_details"] = null,
            ["starting_balance"] = StartingBalance,
            ["statement_descriptor"] = null,
            ["status"] = Status,
            ["status_transitions"] = new JsonObject
            {
                ["finalized_at"] = StripeJson.Unix(FinalizedAt),
                ["marked_uncollectible_at"] = StripeJson.Unix(MarkedUncollectibleAt),
                ["paid_at"] = StripeJson.Unix(PaidAt),
                ["voided_at"] = StripeJson.Unix(VoidedAt),
            },
            ["subscription"] = null,
            ["subtotal"] = Subtotal,
            ["subtotal_excluding_tax"] = Subtotal,
            ["test_clock"] = null,
            ["total"] = Total,
            ["total_discount_amounts"] = new JsonArray([.. DiscountAmounts.Select(d => new JsonObject { ["amount"] = d.Amount, ["discount"] = d.DiscountId })]),
            ["total_excluding_tax"] = Total,
            ["total_pretax_credit_amounts"] = new JsonArray(),
            ["total_taxes"] = new JsonArray(),
            ["webhooks_delivered_at"] = StripeJson.Unix(Created),
        };
    }
}
