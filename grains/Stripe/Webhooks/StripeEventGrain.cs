using Microsoft.Extensions.Logging;
using Orleans.Storage;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.GrainInterfaces.Webhooks;
using OrleansBilling.Grains.Payments;
using OrleansBilling.Grains.Telemetry;
using Stripe;

namespace OrleansBilling.Grains.Stripe.Webhooks;

/// <summary>
/// One Stripe event's inbox. The event is stored first; then read and routed by its handler,
/// applied to its subscription (which ignores an event id it applied before, asking its published history when the
/// event was handed on before without an outcome), and its outcome
/// recorded. Only then does the gateway answer 2xx. Reading is a pure function of the stored body:
/// an event that cannot be read fails the same way every time, so it is recorded as an
/// <see cref="AnomalyKind.Unreadable"/> anomaly and answered, never left for Stripe to retry for
/// days. A failure after reading (the cluster, the database) answers 5xx and Stripe delivers again.
/// </summary>
[GrainType("stripe-event")]
public sealed partial class StripeEventGrain(
    IStripeEventStore store,
    IPaymentProvider payments,
    BillingMetrics metrics,
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
        // One stored before without an outcome was handed on and lost mid-way: it may have been applied.
        var storedBefore = !await store.InsertAsync(webhook, clock.GetUtcNow(), CancellationToken.None);
        if (storedBefore && await store.FindOutcomeAsync(webhook.EventId, CancellationToken.None) is { } recorded)
        {
            outcome = new WebhookOutcome(recorded, null, "Handled before.");
            return outcome with { Repeated = true };
        }

        return await HandleAndRecord(webhook, handledBefore: storedBefore);
    }

    public async Task<WebhookOutcome?> Rerun(string actor)
    {
        var eventId = this.GetPrimaryKeyString()[StripeWebhook.InboxKeyPrefix.Length..];
        if (await store.FindAsync(eventId, CancellationToken.None) is not { } stored)
        {
            return null;
        }

        // Read again from the body as stored, with the code running now: that is the point of a re-run.
        var webhook = StripeWebhookReader.Read(stored.Payload) ?? stored with { Unreadable = "The stored body is no longer an event." };
        var result = await HandleAndRecord(webhook, handledBefore: true);
        await store.RecordRerunAsync(eventId, new AnomalyRerun(result.Outcome, actor, clock.GetUtcNow()), CancellationToken.None);
        LogRerun(eventId, actor, result.Outcome);
        return result;
    }

    private async Task RecordAnomaly(AnomalyView anomaly)
    {
        await store.AddAnomalyAsync(anomaly, CancellationToken.None);
        metrics.Anomaly(anomaly.Kind.ToString());
    }

    private async Task<WebhookOutcome> HandleAndRecord(StripeWebhook webhook, bool handledBefore)
    {
        var result = await Handle(webhook, handledBefore);
        await store.SetOutcomeAsync(webhook.EventId, result, clock.GetUtcNow(), CancellationToken.None);
        outcome = result;
        return result;
    }

    private async Task<WebhookOutcome> Handle(StripeWebhook webhook, bool handledBefore)
    {
        var (route, unreadable) = Read(webhook);
        if (unreadable is not null)
        {
            LogUnreadable(webhook.EventId, webhook.Type, unreadable);
            await RecordAnomaly(new AnomalyView(webhook.EventId, webhook.Type, null, null, null, unreadable, clock.GetUtcNow(), AnomalyKind.Unreadable));
            return new WebhookOutcome(Unreadable, null, unreadable);
        }

        if (route is not WebhookRoute.Apply apply)
        {
            return new WebhookOutcome("Ignored", null, $"This service does not act on {webhook.Type}.");
        }

        var key = apply.SubscriptionKey;
        var providerCustomerId = apply.ProviderCustomerId;
        if (key is null && providerCustomerId is null && apply.ProviderChargeId is { } chargeId)
        {
            try
            {
                providerCustomerId = (await payments.GetRefundableAsync(null, chargeId, CancellationToken.None)).CustomerId;
            }
            catch (PaymentProviderException ex) when (ex.Transient)
            {
                throw new DependencyUnavailableException("The payment provider is unavailable; the event is stored and will be handled when Stripe delivers it again.", ex);
            }
            catch (PaymentProviderException)
            {
                // Stripe does not know the charge: the event is about nobody here.
            }
        }

        if (key is null && providerCustomerId is { } customerId)
        {
            key = await GrainFactory.GetGrain<IProviderCustomerIndexGrain>(ProviderCustomerIndexGrain.KeyOf(customerId)).Find();
        }

        if (key is null)
        {
            return new WebhookOutcome("Orphan", null, "The event names no customer of any product of this service.");
        }

        EventOutcome applied;
        try
        {
            applied = await ApplyToSubscription(key, apply.Event with { HandledBefore = handledBefore });
        }
        catch (PaymentProviderException ex) when (ex.Transient)
        {
            // Stripe could not be asked what is true now: no outcome yet, and Stripe delivers again.
            throw new DependencyUnavailableException("The payment provider is unavailable; the event is stored and will be handled when Stripe delivers it again.", ex);
        }
        if (applied is { Kind: EventOutcomeKind.Recorded, Reason: nameof(HistoryFact.DuplicateSubscriptionCanceled) })
        {
            LogDuplicate(webhook.EventId, webhook.Type, key);
            await RecordAnomaly(new AnomalyView(webhook.EventId, webhook.Type, key, applied.State.ToString(), null,
                    "A second subscription of this customer appeared at Stripe (two checkouts paid in a race): it is canceled and refunded.",
                    clock.GetUtcNow(), AnomalyKind.DuplicateSubscription));
        }

        if (applied.Kind == EventOutcomeKind.NotAllowed)
        {
            LogAnomaly(webhook.EventId, webhook.Type, key, applied.State, applied.Transition);
            await RecordAnomaly(new AnomalyView(webhook.EventId, webhook.Type, key, applied.State.ToString(), applied.Transition?.ToString(), applied.Reason, clock.GetUtcNow()));
        }

        return new WebhookOutcome(applied.Kind.ToString(), key, applied.Reason ?? applied.Transition?.ToString());
    }

    /// <summary>
    /// Hands the event to its subscription. A write that lost a race with another activation of the subscription (two
    /// for a moment while a silo hands its grains over in a rolling restart) stored nothing, and Orleans deactivates the
    /// loser: the event is handed on once more, as handled before, so the subscription's history check keeps it from
    /// being applied twice. Any other failure still answers 5xx and Stripe delivers again.
    /// </summary>
    private async Task<EventOutcome> ApplyToSubscription(string key, ProviderEvent providerEvent)
    {
        var subscription = GrainFactory.GetGrain<ISubscriptionGrain>(key);
        try
        {
            return await subscription.ApplyProviderEvent(providerEvent);
        }
        catch (InconsistentStateException ex)
        {
            LogLostRace(providerEvent.EventId, key, ex.Message);
            return await subscription.ApplyProviderEvent(providerEvent with { HandledBefore = true });
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventId}: the write of {Subscription} lost a race with another activation ({Reason}); handing it on once more")]
    private partial void LogLostRace(string eventId, string subscription, string reason);

    /// <summary>The outcome of an event that cannot be read.</summary>
    public const string Unreadable = "Unreadable";

    /// <summary>
    /// The event's route, or why it cannot be read. Parsing and routing touch nothing but the body,
    /// so whatever they throw they would throw on every delivery: the event is unreadable. Only the
    /// field's path goes into the reason, never its value (it may be an email address).
    /// </summary>
    private static (WebhookRoute? Route, string? Unreadable) Read(StripeWebhook webhook)
    {
        if (webhook.Unreadable is { } why)
        {
            return (null, why);
        }

        try
        {
            // The commonest events are read by the fields their route takes; any other, or one of those in a shape that
            // reader leaves to Stripe.net, by Stripe.net's whole parse.
            return (SubscriptionEventReader.TryRoute(webhook.Type, webhook.Payload)
                ?? StripeEventHandlers.Route(EventUtility.ParseEvent(webhook.Payload, throwOnApiVersionMismatch: false)), null);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Stripe.net reads with System.Text.Json; its path is often only "$" (the nested converter's own).
            var path = ex is System.Text.Json.JsonException { Path: { Length: > 1 } p } ? p : null;
            return (null, path is null
                ? $"Stripe.net could not read it ({ex.GetType().Name})."
                : $"Stripe.net could not read {path} ({ex.GetType().Name}).");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Anomaly: Stripe event {EventId} ({Type}) cannot be read: {Reason}")]
    private partial void LogUnreadable(string eventId, string type, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventId} re-run by {Actor}: {Outcome}")]
    private partial void LogRerun(string eventId, string actor, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Anomaly: Stripe event {EventId} ({Type}) shows a second subscription of {Subscription}; it is canceled and refunded")]
    private partial void LogDuplicate(string eventId, string type, string subscription);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Anomaly: Stripe event {EventId} ({Type}) for {Subscription} asks {Transition} from {State}, which the lifecycle table does not allow")]
    private partial void LogAnomaly(string eventId, string type, string subscription, SubscriptionState state, LifecycleTransition? transition);
}
