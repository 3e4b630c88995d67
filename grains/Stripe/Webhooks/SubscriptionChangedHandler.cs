using OrleansBilling.GrainInterfaces.Subscriptions;
using Stripe;

namespace OrleansBilling.Grains.Stripe.Webhooks;

/// <summary>
/// <c>customer.subscription.created / updated / deleted / paused / resumed</c>: the subscription is
/// fetched and followed, so these events lead to Stripe's current state in whatever order they come.
/// </summary>
public sealed class SubscriptionChangedHandler : IStripeEventHandler
{
    public IReadOnlyList<string> Types { get; } =
    [
        EventTypes.CustomerSubscriptionCreated,
        EventTypes.CustomerSubscriptionUpdated,
        EventTypes.CustomerSubscriptionDeleted,
        EventTypes.CustomerSubscriptionPaused,
        EventTypes.CustomerSubscriptionResumed,
    ];

    public WebhookRoute Route(Event stripeEvent)
    {
        var subscription = (Subscription)stripeEvent.Data.Object;
        var item = StripePaymentProvider.Licensed(subscription);
        return new WebhookRoute.Apply(
            StripeMetadata.SubscriptionKey(subscription.Metadata),
            subscription.CustomerId,
            new ProviderEvent(
                stripeEvent.Id, ProviderEventKind.SubscriptionChanged, stripeEvent.Created,
                ProviderCustomerId: subscription.CustomerId, ProviderSubscriptionId: subscription.Id, ObjectId: subscription.Id,
                PeriodEnd: Utc(item?.CurrentPeriodEnd), TrialEnd: Utc(subscription.TrialEnd),
                SubscriptionStatus: subscription.Status, CancelAtPeriodEnd: subscription.CancelAtPeriodEnd, PriceId: item?.Price?.Id,
                CollectionPaused: subscription.PauseCollection is not null, Quantity: (int)(item?.Quantity ?? 1), DiscountIds: subscription.DiscountIds ?? []));
    }

    private static DateTimeOffset? Utc(DateTime? time) =>
        time is { } t && t != default ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;
}
