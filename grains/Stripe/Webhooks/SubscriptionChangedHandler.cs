using OrleansBilling.GrainInterfaces.Subscriptions;
using Stripe;

namespace OrleansBilling.Grains.Stripe.Webhooks;

/// <summary>
/// <c>customer.subscription.created / updated / deleted / paused / resumed</c>: the subscription is
/// fetched and followed, so these events lead to Stripe's current state in whatever order they come.
/// <see cref="SubscriptionEventReader"/> reads the same route straight from the body, without Stripe.net's whole parse.
/// </summary>
public sealed class SubscriptionChangedHandler : IStripeEventHandler
{
    /// <summary>The types this handler routes.</summary>
    public static readonly IReadOnlyList<string> EventTypesRouted =
    [
        EventTypes.CustomerSubscriptionCreated,
        EventTypes.CustomerSubscriptionUpdated,
        EventTypes.CustomerSubscriptionDeleted,
        EventTypes.CustomerSubscriptionPaused,
        EventTypes.CustomerSubscriptionResumed,
    ];

    public IReadOnlyList<string> Types => EventTypesRouted;

    public WebhookRoute Route(Event stripeEvent)
    {
        var subscription = (Subscription)stripeEvent.Data.Object;
        var item = StripePaymentProvider.Licensed(subscription);
        return Route(stripeEvent.Id, stripeEvent.Created, new SubscriptionSnapshot(
            subscription.Id, subscription.CustomerId, subscription.Metadata, subscription.Status, subscription.CancelAtPeriodEnd,
            subscription.TrialEnd, subscription.PauseCollection is not null, subscription.DiscountIds,
            item?.Price?.Id, item?.Quantity, item?.CurrentPeriodEnd));
    }

    /// <summary>The route of an event about <paramref name="subscription"/>, however its fields were read.</summary>
    internal static WebhookRoute.Apply Route(string eventId, DateTime created, SubscriptionSnapshot subscription) => new(
        StripeMetadata.SubscriptionKey(subscription.Metadata),
        subscription.CustomerId,
        new ProviderEvent(
            eventId, ProviderEventKind.SubscriptionChanged, created,
            ProviderCustomerId: subscription.CustomerId, ProviderSubscriptionId: subscription.Id, ObjectId: subscription.Id,
            PeriodEnd: Utc(subscription.PeriodEnd), TrialEnd: Utc(subscription.TrialEnd),
            SubscriptionStatus: subscription.Status, CancelAtPeriodEnd: subscription.CancelAtPeriodEnd, PriceId: subscription.PriceId,
            CollectionPaused: subscription.CollectionPaused, Quantity: (int)(subscription.Quantity ?? 1), DiscountIds: subscription.DiscountIds ?? []));

    private static DateTimeOffset? Utc(DateTime? time) =>
        time is { } t && t != default ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;
}

/// <summary>
/// The fields of a Stripe subscription that a route takes: its own, and those of its licensed item (the first whose
/// price is not metered).
/// </summary>
internal sealed record SubscriptionSnapshot(
    string? Id,
    string? CustomerId,
    IDictionary<string, string>? Metadata,
    string? Status,
    bool CancelAtPeriodEnd,
    DateTime? TrialEnd,
    bool CollectionPaused,
    IReadOnlyList<string>? DiscountIds,
    string? PriceId,
    long? Quantity,
    DateTime? PeriodEnd);
