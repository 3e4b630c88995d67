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

        if (p.Has("line_items[1]"))
        {
            throw StripeApiException.Invalid("line_items", "The sandbox sells one price per Checkout Session.");
        }

        var priceId = p.Required("line_items[0][price]");
        var price = State.FindPrice(priceId) ?? throw StripeApiException.NoSuch("price", priceId, "line_items[0][price]");
        if (p.Long("line_items[0][quantity]") is { } quantity and not 1)
        {
            throw StripeApiException.Invalid("line_items[0][quantity]", $"The sandbox sells a quantity of 1, not {quantity}.");
        }

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
            SuccessUrl = successUrl,
            CancelUrl = cancelUrl,
            PageUrl = $"{State.PublicBaseUrl}/sandbox/checkout/{id}",
            CustomerId = string.IsNullOrEmpty(customerId) ? null : customerId,
            CustomerEmail = string.IsNullOrEmpty(customerId) ? p.String("customer_email") : null,
            ClientReferenceId = p.String("client_reference_id"),
            Metadata = Metadata.Create(p.Map("metadata")),
            SubscriptionMetadata = Metadata.Create(p.Map("subscription_data[metadata]")),
            TrialPeriodDays = trialDays,
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
}
