using System.Text.Json.Nodes;

namespace OrleansBilling.Sandbox.State;

/// <summary>
/// A billing-portal configuration: what the portal's customers may do. Stripe's account has a default one
/// (invoices and card only, as a new account's portal starts); the service makes one per product.
/// </summary>
internal sealed class PortalConfigurationRecord
{
    public const string DefaultId = "bpc_sandbox_default";

    /// <summary>What the portal answers to an action its configuration does not offer.</summary>
    public const string NotOffered = "This portal does not offer that.";

    public required string Id { get; init; }

    public required DateTimeOffset Created { get; init; }

    public bool IsDefault { get; init; }

    public string? Headline { get; init; }

    public string? DefaultReturnUrl { get; init; }

    public bool InvoiceHistory { get; init; }

    public bool PaymentMethodUpdate { get; init; }

    public bool CancelEnabled { get; init; }

    /// <summary><c>at_period_end</c> or <c>immediately</c>.</summary>
    public string CancelMode { get; init; } = "at_period_end";

    public string CancelProrationBehavior { get; init; } = "none";

    public bool UpdateEnabled { get; init; }

    public IReadOnlyList<string> DefaultAllowedUpdates { get; init; } = [];

    public string UpdateProrationBehavior { get; init; } = "none";

    /// <summary>The products (and their prices) a customer may switch between.</summary>
    public IReadOnlyList<(string Product, IReadOnlyList<string> Prices)> Products { get; init; } = [];

    public Dictionary<string, string> Metadata { get; init; } = [];

    /// <summary>The prices <paramref name="subscription"/> may switch to here: configured, licensed, in its currency and interval.</summary>
    public IReadOnlyList<SandboxPrice> SwitchTargets(SubscriptionRecord subscription, Func<string, SandboxPrice?> findPrice) =>
        !UpdateEnabled || !DefaultAllowedUpdates.Contains("price") || subscription.Status == "canceled"
            ? []
            : [.. Products.SelectMany(p => p.Prices)
                .Where(id => id != subscription.Price.Id)
                .Select(findPrice)
                .OfType<SandboxPrice>()
                .Where(p => p.Metered is null && p.Currency == subscription.Price.Currency && p.Interval == subscription.Price.Interval)];

    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["object"] = "billing_portal.configuration",
        ["active"] = true,
        ["application"] = null,
        ["business_profile"] = new JsonObject { ["headline"] = Headline, ["privacy_policy_url"] = null, ["terms_of_service_url"] = null },
        ["created"] = StripeJson.Unix(Created),
        ["default_return_url"] = DefaultReturnUrl,
        ["features"] = new JsonObject
        {
            ["customer_update"] = new JsonObject { ["allowed_updates"] = new JsonArray(), ["enabled"] = false },
            ["invoice_history"] = new JsonObject { ["enabled"] = InvoiceHistory },
            ["payment_method_update"] = new JsonObject { ["enabled"] = PaymentMethodUpdate, ["payment_method_configuration"] = null },
            ["subscription_cancel"] = new JsonObject
            {
                ["cancellation_reason"] = new JsonObject { ["enabled"] = false, ["options"] = new JsonArray() },
                ["enabled"] = CancelEnabled,
                ["mode"] = CancelMode,
                ["proration_behavior"] = CancelProrationBehavior,
            },
            ["subscription_update"] = new JsonObject
            {
                ["billing_cycle_anchor"] = null,
                ["default_allowed_updates"] = new JsonArray([.. DefaultAllowedUpdates.Select(u => (JsonNode)u)]),
                ["enabled"] = UpdateEnabled,
                ["products"] = new JsonArray([.. Products.Select(p => (JsonNode)new JsonObject
                {
                    ["adjustable_quantity"] = new JsonObject { ["enabled"] = false, ["maximum"] = null, ["minimum"] = 1 },
                    ["prices"] = new JsonArray([.. p.Prices.Select(price => (JsonNode)price)]),
                    ["product"] = p.Product,
                })]),
                ["proration_behavior"] = UpdateProrationBehavior,
                ["schedule_at_period_end"] = new JsonObject { ["conditions"] = new JsonArray() },
                ["trial_update_behavior"] = "end_trial",
            },
        },
        ["is_default"] = IsDefault,
        ["livemode"] = false,
        ["login_page"] = new JsonObject { ["enabled"] = false, ["url"] = null },
        ["metadata"] = StripeJson.Metadata(Metadata),
        ["name"] = null,
        ["updated"] = StripeJson.Unix(Created),
    };
}
