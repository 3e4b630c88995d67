using System.Collections.Concurrent;
using OrleansBilling.GrainInterfaces.Webhooks;
using OrleansBilling.Grains.Stripe.Webhooks;

namespace OrleansBilling.Silo.Webhooks;

/// <summary>The Stripe inbox of the in-memory local default: the same contract as PostgreSQL's, lost with the process.</summary>
public sealed class InMemoryStripeEventStore : IStripeEventStore
{
    private readonly ConcurrentDictionary<string, StoredEvent> events = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AnomalyView> anomalies = new(StringComparer.Ordinal);

    /// <summary>Every stored event, for tests and the sandbox's local inspection.</summary>
    public IReadOnlyCollection<StoredEvent> Events => [.. events.Values];

    public Task<string?> FindOutcomeAsync(string eventId, CancellationToken cancellationToken) =>
        Task.FromResult(events.TryGetValue(eventId, out var stored) ? stored.Outcome?.Outcome : null);

    public Task<bool> InsertAsync(StripeWebhook webhook, DateTimeOffset receivedAt, CancellationToken cancellationToken) =>
        Task.FromResult(events.TryAdd(webhook.EventId, new StoredEvent(webhook, receivedAt, null)));

    public Task SetOutcomeAsync(string eventId, WebhookOutcome outcome, DateTimeOffset processedAt, CancellationToken cancellationToken)
    {
        events.AddOrUpdate(eventId, _ => throw new InvalidOperationException($"Event {eventId} was never stored."), (_, stored) => stored with { Outcome = outcome });
        return Task.CompletedTask;
    }

    public Task<StripeWebhook?> FindAsync(string eventId, CancellationToken cancellationToken) =>
        Task.FromResult(events.TryGetValue(eventId, out var stored) ? stored.Webhook : null);

    public Task RecordRerunAsync(string eventId, AnomalyRerun rerun, CancellationToken cancellationToken)
    {
        if (anomalies.TryGetValue(eventId, out var anomaly))
        {
            anomalies[eventId] = anomaly with { Rerun = rerun };
        }

        return Task.CompletedTask;
    }

    public Task AddAnomalyAsync(AnomalyView anomaly, CancellationToken cancellationToken)
    {
        anomalies.TryAdd(anomaly.EventId, anomaly);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AnomalyView>> RecentAnomaliesAsync(int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AnomalyView>>([.. anomalies.Values.OrderByDescending(a => a.RecordedAt).ThenBy(a => a.EventId).Take(limit)]);

    /// <summary>An event as stored, with its outcome once it has one.</summary>
    public sealed record StoredEvent(StripeWebhook Webhook, DateTimeOffset ReceivedAt, WebhookOutcome? Outcome);
}
