using OrleansBilling.GrainInterfaces.Webhooks;

namespace OrleansBilling.Grains.Stripe.Webhooks;

/// <summary>
/// The raw inbound Stripe events (<c>billing.stripe_events</c>) and the anomalies among them: the
/// audit trail, the first line of de-duplication, and what replay reads.
/// </summary>
public interface IStripeEventStore
{
    /// <summary>The outcome recorded for an event, or null when it was never handled to the end.</summary>
    Task<string?> FindOutcomeAsync(string eventId, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a verified event as received: true when it is stored now, false when it was stored
    /// before (storing it again changes nothing).
    /// </summary>
    Task<bool> InsertAsync(StripeWebhook webhook, DateTimeOffset receivedAt, CancellationToken cancellationToken);

    /// <summary>Records what handling the event came to.</summary>
    Task SetOutcomeAsync(string eventId, WebhookOutcome outcome, DateTimeOffset processedAt, CancellationToken cancellationToken);

    /// <summary>The event as stored (its envelope columns and raw payload), or null when no event of this id is stored.</summary>
    Task<StripeWebhook?> FindAsync(string eventId, CancellationToken cancellationToken);

    /// <summary>Records an anomaly. Recording the same event's anomaly again changes nothing.</summary>
    Task AddAnomalyAsync(AnomalyView anomaly, CancellationToken cancellationToken);

    /// <summary>Records a person's re-run on the event's anomaly, if it has one.</summary>
    Task RecordRerunAsync(string eventId, AnomalyRerun rerun, CancellationToken cancellationToken);

    /// <summary>The most recent anomalies, newest first.</summary>
    Task<IReadOnlyList<AnomalyView>> RecentAnomaliesAsync(int limit, CancellationToken cancellationToken);
}
