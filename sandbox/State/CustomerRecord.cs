using System.Text.Json.Nodes;

namespace OrleansBilling.Sandbox.State;

/// <summary>A Stripe customer.</summary>
internal sealed class CustomerRecord
{
    public required string Id { get; init; }

    public required long Sequence { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required string InvoicePrefix { get; init; }

    public string? Email { get; set; }

    public string? Name { get; set; }

    public string? Description { get; set; }

    public string? Phone { get; set; }

    public Dictionary<string, string> Metadata { get; set; } = [];

    public CardRecord? Card { get; set; }

    /// <summary>Negative is a credit the next invoices use up, as Stripe's customer balance.</summary>
    public long Balance { get; set; }

    public int InvoiceCount { get; set; }

    public bool Delinquent { get; set; }

    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["object"] = "customer",
        ["address"] = null,
        ["balance"] = Balance,
        ["created"] = StripeJson.Unix(Created),
        ["currency"] = null,
        ["default_source"] = null,
        ["delinquent"] = Delinquent,
        ["description"] = Description,
        ["discount"] = null,
        ["email"] = Email,
        ["invoice_prefix"] = InvoicePrefix,
        ["invoice_settings"] = new JsonObject
        {
            ["custom_fields"] = null,
            ["default_payment_method"] = Card?.PaymentMethodId,
            ["footer"] = null,
            ["rendering_options"] = null,
        },
        ["livemode"] = false,
        ["metadata"] = StripeJson.Metadata(Metadata),
        ["name"] = Name,
        ["next_invoice_sequence"] = InvoiceCount + 1,
        ["phone"] = Phone,
        ["preferred_locales"] = new JsonArray(),
        ["shipping"] = null,
        ["tax_exempt"] = "none",
        ["test_clock"] = null,
    };
}
