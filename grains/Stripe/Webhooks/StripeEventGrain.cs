using Microsoft.Extensions.Logging;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.GrainInterfaces.Webhooks;
using Stripe;

namespace OrleansBilling.Grains.Stripe.Webhooks;

/// <summary>
/// One Stripe event's inbox. The event is stored first; then routed by its handler, applied to its
/// subscription (which ignores an event id it applied before), and its outcome recorded. Only then
/// does the gateway answer 2xx; any failure on the way answers 5xx and Stripe delivers again.
/// </summary>
[GrainType("stripe-event")]
public sealed partial class StripeEventGrain(
    IStripeEventStore store,
    TimeProvider clock,
    ILogger<StripeEventGrain> logger) : Grain, IStripeEventGrain
{
    private WebhookOutcome? outcome;

    public async Task<WebhookOutcome> Receive(StripeWebhook webhook)
    {
        if (outcome is not null)
        {
            return outcome with { Repeated = true };
        }

        // Store first. Only an event stored before (a redelivery, or a retry after a failure) needs
        // its recorded outcome looked up: a new one, the usual case, costs one statement, not two.
        if (!await store.InsertAsync(webhook, clock.GetUtcNow(), CancellationToken.None)
            && await store.FindOutcomeAsync(webhook.EventId, CancellationToken.None) is { } recorded)
        {
            outcome = new WebhookOutcome(recorded, null, "Handled before.");
            return outcome with { Repeated = true };
        }

        var result = await Handle(webhook);
        await store.SetOutcomeAsync(webhook.EventId, result, clock.GetUtcNow(), CancellationToken.None);
        outcome = result;
        return result;
    }

    private async Task<WebhookOutcome> Handle(StripeWebhook webhook)
    {
        var stripeEvent = EventUtility.ParseEvent(webhook.Payload, throwOnApiVersionMismatch: false);
        if (StripeEventHandlers.Route(stripeEvent) is not WebhookRoute.Apply apply)
        {
            return new WebhookOutcome("Ignored", null, $"This service does not act on {webhook.Type}.");
        }

        var key = apply.SubscriptionKey;
        if (key is null && apply.ProviderCustomerId is { } customerId)
        {
            key = await GrainFactory.GetGrain<IProviderCustomerIndexGrain>(ProviderCustomerIndexGrain.KeyOf(customerId)).Find();
        }

        if (key is null)
        {
            return new WebhookOutcome("Orphan", null, "The event names no customer of any product of this service.");
        }

        var applied = await GrainFactory.GetGrain<ISubscriptionGrain>(key).ApplyProviderEvent(apply.Event);
        if (applied.Kind == EventOutcomeKind.NotAllowed)
        {
            LogAnomaly(webhook.EventId, webhook.Type, key, applied.State, applied.Transition);
            await store.AddAnomalyAsync(
                new AnomalyView(webhook.EventId, webhook.Type, key, applied.State.ToString(), applied.Transition?.ToString(), applied.Reason, clock.GetUtcNow()),
                CancellationToken.None);
        }

        return new WebhookOutcome(applied.Kind.ToString(), key, applied.Reason ?? applied.Transition?.ToString());
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Anomaly: Stripe event {EventId} ({Type}) for {Subscription} asks {Transition} from {State}, which the lifecycle table does not allow")]
    private partial void LogAnomaly(string eventId, string type, string subscription, SubscriptionState state, LifecycleTransition? transition);
}
