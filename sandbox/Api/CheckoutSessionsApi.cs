using OrleansBilling.Sandbox.Billing;
using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Api;

/// <summary><c>/v1/checkout/sessions</c>, subscription mode only.</summary>
internal sealed class CheckoutSessionsApi(SandboxState state, CheckoutFlow checkout) : ResourceApi(state)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    public ApiOutcome Create(StripeApiRequest request)
    {
        var p = request.Parameters;
        var mode = p.Required("mode");
        if (mode != "subscription")
        {
            throw StripeApiException.Invalid("mode", $"The sandbox sells subscriptions only: mode must be 'subscription', not '{mode}'.");
        }

        var (price, metered) = LineItems(p);

        var successUrl = p.Required("success_url");
        var cancelUrl = p.String("cancel_url") is { Length: > 0 } back ? back : null;
        var customerId = p.String("customer");
        if (!string.IsNullOrEmpty(customerId) && !State.Customers.ContainsKey(customerId))
        {
            throw StripeApiException.NoSuch("customer", customerId, "customer");
        }

        var trialDays = p.Long("subscription_data[trial_period_days]");
        if (trialDays is < 1 or > 730)
        {
            throw StripeApiException.Invalid("subscription_data[trial_period_days]", "trial_period_days must be between 1 and 730.", "parameter_invalid_integer");
        }

        var now = State.Now;
        var id = StripeIds.New("cs_test", 58);
        var session = new CheckoutSessionRecord
        {
            Id = id,
            Sequence = State.NextSequence(),
            Created = now,
            ExpiresAt = now + Lifetime,
            Price = price,
            MeteredPrices = metered,
            SuccessUrl = successUrl,
            CancelUrl = cancelUrl,
            PageUrl = $"{State.PublicBaseUrl}/sandbox/checkout/{id}",
            CustomerId = string.IsNullOrEmpty(customerId) ? null : customerId,
            CustomerEmail = string.IsNullOrEmpty(customerId) ? p.String("customer_email") : null,
            ClientReferenceId = p.String("client_reference_id"),
            Metadata = Metadata.Create(p.Map("metadata")),
            SubscriptionMetadata = Metadata.Create(p.Map("subscription_data[metadata]")),
            TrialPeriodDays = trialDays,
            BillingMode = p.String("subscription_data[billing_mode][type]") switch
            {
                null or "" or "classic" => "classic",
                "flexible" => "flexible",
                var other => throw StripeApiException.Invalid("subscription_data[billing_mode][type]", $"Invalid billing_mode type: {other}; must be classic or flexible."),
            },
            AllowPromotionCodes = p.Bool("allow_promotion_codes"),
            AutomaticTax = p.Bool("automatic_tax[enabled]") ?? false,
        };
        State.CheckoutSessions.Add(id, session);
        return Answer(request, session.ToJson());
    }

    public ApiOutcome Get(StripeApiRequest request) =>
        Answer(request, Find(State.CheckoutSessions, request.Id, "checkout.session").ToJson());

    public ApiOutcome Expire(StripeApiRequest request)
    {
        var session = Find(State.CheckoutSessions, request.Id, "checkout.session");
        checkout.Expire(session, request.Events);
        return Answer(request, session.ToJson());
    }

    /// <summary>
    /// One licensed price (the plan, quantity 1) and any metered prices beside it, which take no quantity
    /// (their usage comes from the meter); all in one currency and interval, none twice.
    /// </summary>
    private (SandboxPrice Licensed, List<SandboxPrice> Metered) LineItems(StripeParameters p)
    {
        var indices = p.Indices("line_items");
        if (indices.Count == 0)
        {
            throw StripeApiException.Missing("line_items");
        }

        SandboxPrice? licensed = null;
        var metered = new List<SandboxPrice>();
        foreach (var i in indices)
        {
            var at = $"line_items[{i}]";
            var priceId = p.Required($"{at}[price]");
            var price = State.FindPrice(priceId) ?? throw StripeApiException.NoSuch("price", priceId, $"{at}[price]");
            var quantity = p.Long($"{at}[quantity]");
            if (price.Metered is not null)
            {
                if (quantity is not null)
                {
                    throw StripeApiException.Invalid($"{at}[quantity]", $"Quantity should not be specified where usage_type is `metered`. Remove quantity from `{at}`.");
                }

                metered.Add(price);
                continue;
            }

            if (licensed is not null)
            {
                throw StripeApiException.Invalid($"{at}[price]", "The sandbox sells one licensed price per Checkout Session; more prices must be metered.");
            }

            if (quantity is { } q and not 1)
            {
                throw StripeApiException.Invalid($"{at}[quantity]", $"The sandbox sells a quantity of 1, not {q}.");
            }

            licensed = price;
        }

        if (licensed is null)
        {
            throw StripeApiException.Invalid("line_items", "A Checkout Session needs one licensed price; metered prices only come beside it.");
        }

        foreach (var price in metered)
        {
            if (price.Currency != licensed.Currency || price.Interval != licensed.Interval)
            {
                throw StripeApiException.Invalid("line_items", $"All prices on a subscription must have the same currency and billing interval: {price.Id} is {price.Currency}/{price.Interval}, {licensed.Id} is {licensed.Currency}/{licensed.Interval}.");
            }
        }

        if (metered.Select(m => m.Id).Distinct().Count() != metered.Count)
        {
            throw StripeApiException.Invalid("line_items", "The same price cannot be added to a subscription twice.");
        }

        return (licensed, metered);
    }
}
