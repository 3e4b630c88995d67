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
                && (price is null || s.Price.Id == price || s.MeteredItems.Any(item => item.Price.Id == price))
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

        var (newPrice, removed, added) = Items(subscription, p);

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

        if (paymentBehavior == "pending_if_incomplete" && (p.Has("cancel_at_period_end") || p.Has("pause_collection") || p.Has("metadata") || removed.Count > 0 || added.Count > 0))
        {
            // As at Stripe: a pending update takes only what it can hold pending.
            throw StripeApiException.Invalid("payment_behavior", "With payment_behavior=pending_if_incomplete only the price and quantity of existing items, proration_behavior and a few billing fields can be updated.");
        }

        var change = new SubscriptionChange(p.Bool("cancel_at_period_end"), newPrice, proration, p.Map("metadata"), pause, unpause, resumesAt, paymentBehavior)
        {
            RemovedItemIds = removed,
            AddedMeteredPrices = added,
            Discounts = Discounts(subscription, p),
        };
        subscriptions.Update(subscription, change, request.Events);
        return Answer(request, subscription.ToJson());
    }

    public ApiOutcome Cancel(StripeApiRequest request)
    {
        var subscription = Find(State.Subscriptions, request.Id, "subscription");

        // invoice_now bills the metered usage so far; a sandbox cancellation does not prorate.
        _ = request.Parameters.Bool("prorate");
        subscriptions.CancelNow(subscription, request.Parameters.Bool("invoice_now") ?? false, request.Events);
        return Answer(request, subscription.ToJson());
    }

    public ApiOutcome Resume(StripeApiRequest request)
    {
        var subscription = Find(State.Subscriptions, request.Id, "subscription");
        subscriptions.Resume(subscription, request.Events);
        return Answer(request, subscription.ToJson());
    }

    /// <summary>
    /// <c>discounts[#]</c>: the discounts the subscription is to have, each a coupon (<c>[coupon]</c>) or one of its own
    /// discounts kept (<c>[discount]</c>); <c>discounts=""</c> takes them all off; absent leaves them.
    /// </summary>
    private IReadOnlyList<DiscountChoice>? Discounts(SubscriptionRecord subscription, StripeParameters p)
    {
        if (p.IsEmpty("discounts"))
        {
            return [];
        }

        if (!p.Has("discounts"))
        {
            return null;
        }

        var choices = new List<DiscountChoice>();
        foreach (var i in p.Indices("discounts"))
        {
            var at = $"discounts[{i}]";
            if (p.String($"{at}[coupon]") is { Length: > 0 } couponId)
            {
                var coupon = State.Coupons.GetValueOrDefault(couponId) ?? throw StripeApiException.NoSuch("coupon", couponId, $"{at}[coupon]");
                if (coupon.AmountOff is not null && coupon.Currency != subscription.Price.Currency)
                {
                    throw StripeApiException.Invalid($"{at}[coupon]", $"Coupon {couponId} takes an amount off in {coupon.Currency}, and the subscription bills in {subscription.Price.Currency}.");
                }

                choices.Add(new DiscountChoice(coupon, null));
            }
            else if (p.String($"{at}[discount]") is { Length: > 0 } discountId)
            {
                choices.Add(new DiscountChoice(null, subscription.Discounts.FirstOrDefault(d => d.Id == discountId)
                    ?? throw StripeApiException.NoSuch("discount", discountId, $"{at}[discount]")));
            }
            else
            {
                throw StripeApiException.Missing($"{at}[coupon]");
            }
        }

        return choices.Count == choices.Select(c => c.Coupon?.Id ?? c.Kept!.Coupon.Id).Distinct().Count()
            ? choices
            : throw StripeApiException.Invalid("discounts", "The same coupon cannot be applied to a subscription twice.");
    }

    /// <summary>
    /// <c>items[#]</c>: the licensed item may change its price in place; metered items are added (a price
    /// without an id) or taken off (<c>deleted</c>). What results has one licensed item, every price in the
    /// subscription's currency and interval, none twice.
    /// </summary>
    private (SandboxPrice? NewPrice, HashSet<string> Removed, List<SandboxPrice> Added) Items(SubscriptionRecord subscription, StripeParameters p)
    {
        SandboxPrice? newPrice = null;
        var removed = new HashSet<string>();
        var added = new List<SandboxPrice>();
        foreach (var i in p.Indices("items"))
        {
            var at = $"items[{i}]";
            var itemId = p.String($"{at}[id]") is { Length: > 0 } id ? id : null;
            var priceId = p.String($"{at}[price]") is { Length: > 0 } given ? given : null;
            if (p.Bool($"{at}[deleted]") == true)
            {
                if (itemId is null || subscription.FindMeteredItem(itemId) is null)
                {
                    throw itemId == subscription.ItemId
                        ? StripeApiException.Invalid($"{at}[deleted]", "A subscription must keep its licensed item: change its price instead.")
                        : StripeApiException.NoSuch("subscription_item", itemId ?? "", $"{at}[id]");
                }

                removed.Add(itemId);
                continue;
            }

            if (priceId is null)
            {
                continue;
            }

            var price = State.FindPrice(priceId) ?? throw StripeApiException.NoSuch("price", priceId, $"{at}[price]");
            if (price.Currency != subscription.Price.Currency || price.Interval != subscription.Price.Interval)
            {
                throw StripeApiException.Invalid($"{at}[price]", $"The price's currency and interval ({price.Currency}/{price.Interval}) must match the subscription's ({subscription.Price.Currency}/{subscription.Price.Interval}).");
            }

            if (itemId == subscription.ItemId)
            {
                newPrice = price.Metered is null
                    ? price
                    : throw StripeApiException.Invalid($"{at}[price]", "The licensed item cannot take a metered price: add the metered price as an item of its own.");
            }
            else if (itemId is null)
            {
                added.Add(price.Metered is not null
                    ? price
                    : throw StripeApiException.Invalid($"{at}[price]", "The sandbox keeps one licensed item per subscription: change its price (items[#][id]) instead of adding another."));
            }
            else
            {
                throw subscription.FindMeteredItem(itemId) is null
                    ? StripeApiException.NoSuch("subscription_item", itemId, $"{at}[id]")
                    : StripeApiException.Invalid($"{at}[price]", "Take the metered item off (deleted) and add the new metered price as an item.");
            }
        }

        var kept = subscription.MeteredItems.Where(item => !removed.Contains(item.Id)).Select(item => item.Price.Id);
        var all = kept.Concat(added.Select(price => price.Id)).ToList();
        if (all.Distinct().Count() != all.Count)
        {
            throw StripeApiException.Invalid("items", "The same price cannot be on a subscription twice.");
        }

        return (newPrice, removed, added);
    }
}
