using OrleansBilling.Sandbox.Billing;
using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Api;

/// <summary><c>/v1/subscriptions</c>; subscriptions are only created through checkout.</summary>
internal sealed class SubscriptionsApi(SandboxState state, SubscriptionFlow subscriptions) : ResourceApi(state)
{
    private static readonly string[] ProrationBehaviors = ["create_prorations", "always_invoice", "none"];
    private static readonly string[] PaymentBehaviors = ["allow_incomplete", "default_incomplete", "error_if_incomplete", "pending_if_incomplete"];
    private static readonly string[] PauseBehaviors = ["keep_as_draft", "mark_uncollectible", "void"];
    private static readonly string[] Statuses = ["active", "all", "canceled", "ended", "incomplete", "incomplete_expired", "past_due", "paused", "trialing", "unpaid"];

    public ApiOutcome Get(StripeApiRequest request) =>
        Answer(request, Find(State.Subscriptions, request.Id, "subscription").ToJson());

    public ApiOutcome List(StripeApiRequest request)
    {
        var p = request.Parameters;
        var customer = p.String("customer");
        var price = p.String("price");
        var status = p.String("status");
        if (status is not null && !Statuses.Contains(status))
        {
            throw StripeApiException.Invalid("status", $"Invalid status: must be one of {string.Join(", ", Statuses)}.");
        }

        var all = State.Subscriptions.Values.OrderByDescending(s => s.Sequence).ToList();
        return Answer(request, ListPage.Build(
            all,
            s => (customer is null || s.CustomerId == customer)
                && (price is null || s.Price.Id == price)
                && status switch
                {
                    null => s.Status != "canceled",
                    "all" => true,
                    "ended" => s.Status == "canceled",
                    _ => s.Status == status,
                },
            s => s.Id,
            s => s.ToJson(),
            p,
            "/v1/subscriptions"));
    }

    public ApiOutcome Update(StripeApiRequest request)
    {
        var subscription = Find(State.Subscriptions, request.Id, "subscription");
        var p = request.Parameters;

        SandboxPrice? newPrice = null;
        if (p.String("items[0][price]") is { Length: > 0 } priceId)
        {
            var itemId = p.String("items[0][id]");
            if (string.IsNullOrEmpty(itemId))
            {
                throw StripeApiException.Invalid("items[0][id]", "The sandbox changes the subscription's one item in place: send items[0][id] with items[0][price].");
            }

            if (itemId != subscription.ItemId)
            {
                throw StripeApiException.NoSuch("subscription_item", itemId, "items[0][id]");
            }

            newPrice = State.FindPrice(priceId) ?? throw StripeApiException.NoSuch("price", priceId, "items[0][price]");
            if (newPrice.Currency != subscription.Price.Currency)
            {
                throw StripeApiException.Invalid("items[0][price]", $"The price's currency ({newPrice.Currency}) must match the subscription's ({subscription.Price.Currency}).");
            }
        }

        var proration = p.String("proration_behavior") ?? "create_prorations";
        if (!ProrationBehaviors.Contains(proration))
        {
            throw StripeApiException.Invalid("proration_behavior", $"Invalid proration_behavior: must be one of {string.Join(", ", ProrationBehaviors)}.");
        }

        string? pause = null;
        var unpause = p.IsEmpty("pause_collection");
        if (!unpause && p.Has("pause_collection"))
        {
            pause = p.Required("pause_collection[behavior]");
            if (!PauseBehaviors.Contains(pause))
            {
                throw StripeApiException.Invalid("pause_collection[behavior]", $"Invalid behavior: must be one of {string.Join(", ", PauseBehaviors)}.");
            }
        }

        DateTimeOffset? resumesAt = null;
        if (pause is not null && p.Long("pause_collection[resumes_at]") is { } unix)
        {
            resumesAt = unix is > 0 and < 253402300800 ? DateTimeOffset.FromUnixTimeSeconds(unix) : null;
            if (resumesAt is null || resumesAt <= State.Now)
            {
                throw StripeApiException.Invalid("pause_collection[resumes_at]", "pause_collection[resumes_at] must be in the future.");
            }
        }

        var paymentBehavior = p.String("payment_behavior") ?? "allow_incomplete";
        if (!PaymentBehaviors.Contains(paymentBehavior))
        {
            throw StripeApiException.Invalid("payment_behavior", $"Invalid payment_behavior: must be one of {string.Join(", ", PaymentBehaviors)}.");
        }

        if (paymentBehavior == "pending_if_incomplete" && (p.Has("cancel_at_period_end") || p.Has("pause_collection") || p.Has("metadata")))
        {
            // As at Stripe: a pending update takes only what it can hold pending.
            throw StripeApiException.Invalid("payment_behavior", "With payment_behavior=pending_if_incomplete only items, proration_behavior and a few billing fields can be updated.");
        }

        var change = new SubscriptionChange(p.Bool("cancel_at_period_end"), newPrice, proration, p.Map("metadata"), pause, unpause, resumesAt, paymentBehavior);
        subscriptions.Update(subscription, change, request.Events);
        return Answer(request, subscription.ToJson());
    }

    public ApiOutcome Cancel(StripeApiRequest request)
    {
        var subscription = Find(State.Subscriptions, request.Id, "subscription");

        // Accepted for Stripe.net's sake; a sandbox cancellation neither prorates nor invoices.
        _ = request.Parameters.Bool("invoice_now");
        _ = request.Parameters.Bool("prorate");
        subscriptions.CancelNow(subscription, request.Events);
        return Answer(request, subscription.ToJson());
    }

    public ApiOutcome Resume(StripeApiRequest request)
    {
        var subscription = Find(State.Subscriptions, request.Id, "subscription");
        subscriptions.Resume(subscription, request.Events);
        return Answer(request, subscription.ToJson());
    }
}
