using System.Collections.Frozen;
using Stripe;

namespace OrleansBilling.Grains.Stripe.Webhooks;

/// <summary>
/// The one table of Stripe event handlers: "what happens on <c>invoice.payment_failed</c>" is the
/// handler registered here for it. Every other type is stored and answered 2xx, nothing more.
/// </summary>
public static class StripeEventHandlers
{
    private static readonly IReadOnlyList<IStripeEventHandler> All =
    [
        new CheckoutSessionHandler(),
        new SubscriptionChangedHandler(),
        new TrialWillEndHandler(),
        new InvoiceHandler(),
        new RefundHandler(),
        new DisputeHandler(),
        new CustomerDeletedHandler(),
        new CustomerUpdatedHandler(),
    ];

    private static readonly FrozenDictionary<string, IStripeEventHandler> ByType =
        All.SelectMany(handler => handler.Types.Select(type => (type, handler))).ToFrozenDictionary(p => p.type, p => p.handler);

    /// <summary>The event types this service acts on.</summary>
    public static IEnumerable<string> HandledTypes => ByType.Keys;

    public static WebhookRoute Route(Event stripeEvent) =>
        ByType.TryGetValue(stripeEvent.Type, out var handler) && stripeEvent.Data?.Object is not null
            ? handler.Route(stripeEvent)
            : new WebhookRoute.Ignore($"This service does not act on {stripeEvent.Type}.");
}
