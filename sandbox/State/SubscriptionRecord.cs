using System.Text.Json.Nodes;

namespace OrleansBilling.Sandbox.State;

/// <summary>A subscription: one licensed item (the plan) and any number of metered items beside it.</summary>
internal sealed class SubscriptionRecord
{
    public required string Id { get; init; }

    public required long Sequence { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required string CustomerId { get; init; }

    public required string ItemId { get; init; }

    public required DateTimeOffset ItemCreated { get; init; }

    public required SandboxPrice Price { get; set; }

    /// <summary>The metered items beside the licensed one, billed in arrears from the meters at each period's end.</summary>
    public List<MeteredItem> MeteredItems { get; init; } = [];

    /// <summary>
    /// <c>billing_mode[type]</c>: <c>classic</c> or <c>flexible</c>. As at Stripe, only flexible bills the usage of a
    /// metered item taken off mid-period (unless <c>proration_behavior=none</c>); classic lets it go unbilled.
    /// </summary>
    public string BillingMode { get; init; } = "classic";

    /// <summary>Lines waiting for the subscription's next invoice: usage of metered items taken off mid-period.</summary>
    public List<InvoiceLineRecord> PendingLines { get; } = [];

    public required DateTimeOffset PeriodStart { get; set; }

    public required DateTimeOffset PeriodEnd { get; set; }

    public required string Status { get; set; }

    public Dictionary<string, string> Metadata { get; set; } = [];

    public bool CancelAtPeriodEnd { get; set; }

    public DateTimeOffset? CancelAt { get; set; }

    public DateTimeOffset? CanceledAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    public string? CancellationReason { get; set; }

    public DateTimeOffset? TrialStart { get; init; }

    public DateTimeOffset? TrialEnd { get; init; }

    public bool TrialWillEndSent { get; set; }

    public string? LatestInvoiceId { get; set; }

    /// <summary>
    /// <c>pause_collection[behavior]</c> while collection is paused, else null. As at Stripe, a paused
    /// collection leaves the status as it is: renewals still make invoices, which the behavior then
    /// voids, keeps as drafts or marks uncollectible.
    /// </summary>
    public string? PauseBehavior { get; set; }

    /// <summary>A price change waiting for its invoice to be paid (<c>payment_behavior=pending_if_incomplete</c>), or null.</summary>
    public PendingPriceChange? PendingUpdate { get; set; }

    /// <summary><c>pause_collection[resumes_at]</c>: when collection resumes by itself, if set.</summary>
    public DateTimeOffset? PauseResumesAt { get; set; }

    public string? DefaultPaymentMethod { get; set; }

    /// <summary>The subscription's discounts, in the order they apply to its invoices.</summary>
    public List<DiscountRecord> Discounts { get; set; } = [];

    public JsonObject ItemsJson() => StripeJson.List(
        $"/v1/subscription_items?subscription={Id}",
        [ItemJson(ItemId, ItemCreated, Price), .. MeteredItems.Select(item => ItemJson(item.Id, item.Created, item.Price))]);

    public MeteredItem? FindMeteredItem(string itemId) => MeteredItems.FirstOrDefault(item => item.Id == itemId);

    // A metered item has no quantity: its usage comes from the meter.
    private JsonObject ItemJson(string itemId, DateTimeOffset created, SandboxPrice price)
    {
        var item = new JsonObject
        {
            ["id"] = itemId,
            ["object"] = "subscription_item",
            ["billing_thresholds"] = null,
            ["created"] = StripeJson.Unix(created),
            ["current_period_end"] = StripeJson.Unix(PeriodEnd),
            ["current_period_start"] = StripeJson.Unix(PeriodStart),
            ["discounts"] = new JsonArray(),
            ["metadata"] = new JsonObject(),
            ["plan"] = StripeJson.Plan(price),
            ["price"] = StripeJson.Price(price),
            ["quantity"] = 1,
            ["subscription"] = Id,
            ["tax_rates"] = new JsonArray(),
        };
        if (price.Metered is not null)
        {
            item.Remove("quantity");
        }

        return item;
    }

    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["object"] = "subscription",
        ["application"] = null,
        ["application_fee_percent"] = null,
        ["automatic_tax"] = new JsonObject { ["disabled_reason"] = null, ["enabled"] = false, ["liability"] = null },
        ["billing_cycle_anchor"] = StripeJson.Unix(TrialEnd ?? Created),
        ["billing_cycle_anchor_config"] = null,
        ["billing_mode"] = new JsonObject
        {
            ["flexible"] = BillingMode == "flexible" ? new JsonObject { ["proration_discounts"] = "included" } : null,
            ["type"] = BillingMode,
        },
        ["billing_schedules"] = new JsonArray(),
        ["billing_thresholds"] = null,
        ["cancel_at"] = StripeJson.Unix(CancelAt),
        ["cancel_at_period_end"] = CancelAtPeriodEnd,
        ["canceled_at"] = StripeJson.Unix(CanceledAt),
        ["cancellation_details"] = new JsonObject { ["comment"] = null, ["feedback"] = null, ["reason"] = CancellationReason },
        ["collection_method"] = "charge_automatically",
        ["created"] = StripeJson.Unix(Created),
        ["currency"] = Price.Currency,
        ["customer"] = CustomerId,
        ["customer_account"] = null,
        ["days_until_due"] = null,
        ["default_payment_method"] = DefaultPaymentMethod,
        ["default_source"] = null,
        ["default_tax_rates"] = new JsonArray(),
        ["description"] = null,
        ["discounts"] = new JsonArray([.. Discounts.Select(d => (JsonNode)d.Id)]),
        ["ended_at"] = StripeJson.Unix(EndedAt),
        ["invoice_settings"] = new JsonObject
        {
            ["account_tax_ids"] = null,
            ["custom_fields"] = null,
            ["description"] = null,
            ["footer"] = null,
            ["issuer"] = new JsonObject { ["type"] = "self" },
        },
        ["items"] = ItemsJson(),
        ["latest_invoice"] = LatestInvoiceId,
        ["livemode"] = false,
        ["managed_payments"] = null,
        ["metadata"] = StripeJson.Metadata(Metadata),
        ["next_pending_invoice_item_invoice"] = null,
        ["on_behalf_of"] = null,
        ["pause_collection"] = PauseBehavior is null ? null : new JsonObject { ["behavior"] = PauseBehavior, ["resumes_at"] = StripeJson.Unix(PauseResumesAt) },
        ["payment_settings"] = new JsonObject { ["payment_method_options"] = null, ["payment_method_types"] = null, ["save_default_payment_method"] = "off" },
        ["pending_invoice_item_interval"] = null,
        ["pending_setup_intent"] = null,
        ["pending_update"] = PendingUpdate is not { } pending ? null : new JsonObject
        {
            ["billing_cycle_anchor"] = null,
            ["expires_at"] = StripeJson.Unix(pending.ExpiresAt),
            ["subscription_items"] = new JsonArray(new JsonObject
            {
                ["id"] = ItemId,
                ["object"] = "subscription_item",
                ["price"] = StripeJson.Price(pending.Price),
                ["quantity"] = 1,
                ["subscription"] = Id,
            }),
            ["trial_end"] = null,
            ["trial_from_plan"] = null,
        },
        ["schedule"] = null,
        ["start_date"] = StripeJson.Unix(Created),
        ["status"] = Status,
        ["test_clock"] = null,
        ["transfer_data"] = null,
        ["trial_end"] = StripeJson.Unix(TrialEnd),
        ["trial_settings"] = new JsonObject
        {
            ["end_behavior"] = new JsonObject { ["missing_payment_method"] = "create_invoice" },
        },
        ["trial_start"] = StripeJson.Unix(TrialStart),
    };
}

/// <summary>A metered subscription item: its price and since when it is on the subscription.</summary>
internal sealed record MeteredItem(string Id, SandboxPrice Price, DateTimeOffset Created);

/// <summary>A new price that applies once <paramref name="InvoiceId"/> is paid, unless <paramref name="ExpiresAt"/> comes first.</summary>
internal sealed record PendingPriceChange(SandboxPrice Price, string InvoiceId, DateTimeOffset ExpiresAt);
