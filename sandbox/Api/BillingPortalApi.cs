using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Api;

/// <summary>
/// <c>/v1/billing_portal/sessions</c> and <c>/v1/billing_portal/configurations</c>: the customer's portal page
/// offers what its configuration allows (the account's default one when none is named).
/// </summary>
internal sealed class BillingPortalApi(SandboxState state) : ResourceApi(state)
{
    private static readonly string[] CancelModes = ["at_period_end", "immediately"];
    private static readonly string[] ProrationBehaviors = ["none", "create_prorations", "always_invoice"];
    private static readonly string[] AllowedUpdates = ["price", "quantity", "promotion_code"];

    public ApiOutcome Create(StripeApiRequest request)
    {
        var p = request.Parameters;
        var customerId = p.Required("customer");
        if (!State.Customers.ContainsKey(customerId))
        {
            throw StripeApiException.NoSuch("customer", customerId, "customer");
        }

        var configurationId = p.String("configuration") is { Length: > 0 } named ? named : PortalConfigurationRecord.DefaultId;
        if (!State.PortalConfigurations.ContainsKey(configurationId))
        {
            throw StripeApiException.NoSuch("billing_portal.configuration", configurationId, "configuration");
        }

        var id = StripeIds.New("bps");
        var session = new PortalSessionRecord(id, State.Now, customerId, p.String("return_url"), $"{State.PublicBaseUrl}/sandbox/portal/{id}", configurationId);
        State.PortalSessions.Add(id, session);
        return Answer(request, session.ToJson());
    }

    public ApiOutcome CreateConfiguration(StripeApiRequest request)
    {
        var p = request.Parameters;
        var cancelMode = OneOf(p, "features[subscription_cancel][mode]", CancelModes) ?? "at_period_end";
        var cancelProration = OneOf(p, "features[subscription_cancel][proration_behavior]", ProrationBehaviors) ?? "none";
        var updateProration = OneOf(p, "features[subscription_update][proration_behavior]", ProrationBehaviors) ?? "none";
        var allowed = p.Strings("features[subscription_update][default_allowed_updates]");
        if (allowed.FirstOrDefault(u => !AllowedUpdates.Contains(u)) is { } unknown)
        {
            throw StripeApiException.Invalid("features[subscription_update][default_allowed_updates]", $"Invalid default_allowed_updates: {unknown}.");
        }

        var products = new List<(string Product, IReadOnlyList<string> Prices)>();
        foreach (var i in p.Indices("features[subscription_update][products]"))
        {
            var at = $"features[subscription_update][products][{i}]";
            var product = p.Required($"{at}[product]");
            var prices = p.Strings($"{at}[prices]");
            foreach (var priceId in prices)
            {
                var price = State.FindPrice(priceId) ?? throw StripeApiException.NoSuch("price", priceId, $"{at}[prices]");
                if (StripeJson.ProductId(price) != product)
                {
                    throw StripeApiException.Invalid($"{at}[prices]", $"The price {priceId} does not belong to the product {product}.");
                }
            }

            products.Add((product, prices));
        }

        var updateEnabled = p.Bool("features[subscription_update][enabled]") ?? false;
        if (updateEnabled && (allowed.Count == 0 || products.Count == 0))
        {
            throw StripeApiException.Invalid("features[subscription_update]", "Subscription updates need default_allowed_updates and at least one product.");
        }

        var configuration = new PortalConfigurationRecord
        {
            Id = StripeIds.New("bpc"),
            Created = State.Now,
            Headline = p.String("business_profile[headline]"),
            DefaultReturnUrl = p.String("default_return_url"),
            InvoiceHistory = p.Bool("features[invoice_history][enabled]") ?? false,
            PaymentMethodUpdate = p.Bool("features[payment_method_update][enabled]") ?? false,
            CancelEnabled = p.Bool("features[subscription_cancel][enabled]") ?? false,
            CancelMode = cancelMode,
            CancelProrationBehavior = cancelProration,
            UpdateEnabled = updateEnabled,
            DefaultAllowedUpdates = allowed,
            UpdateProrationBehavior = updateProration,
            Products = products,
            Metadata = Metadata.Create(p.Map("metadata")),
        };
        State.PortalConfigurations.Add(configuration.Id, configuration);
        return Answer(request, configuration.ToJson());
    }

    public ApiOutcome GetConfiguration(StripeApiRequest request) =>
        Answer(request, Find(State.PortalConfigurations, request.Id, "billing_portal.configuration").ToJson());

    private static string? OneOf(StripeParameters p, string path, string[] allowed) => p.String(path) switch
    {
        null or "" => null,
        var value when allowed.Contains(value) => value,
        var value => throw StripeApiException.Invalid(path, $"Invalid value {value}: must be one of {string.Join(", ", allowed)}."),
    };
}
