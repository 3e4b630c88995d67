using System.Collections.Concurrent;
using OrleansBilling.Grains.ReadModel;

namespace OrleansBilling.Silo.ReadModel;

/// <summary>
/// The read model of the in-memory local default: the same contract as PostgreSQL's (idempotent
/// history, newest version wins), kept in this process and lost with it.
/// </summary>
public sealed class InMemoryReadModelWriter : IReadModelWriter
{
    private readonly ConcurrentDictionary<string, SubscriptionRow> rows = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Key, long Sequence), HistoryRow> history = new();

    public Task WriteAsync(SubscriptionRow current, IReadOnlyList<HistoryRow> entries, CancellationToken cancellationToken)
    {
        foreach (var entry in entries)
        {
            history.TryAdd((entry.SubscriptionKey, entry.Sequence), entry);
        }

        rows.AddOrUpdate(current.SubscriptionKey, current, (_, stored) => stored.Version <= current.Version ? current : stored);
        return Task.CompletedTask;
    }

    /// <summary>The current row of a subscription, if published.</summary>
    public SubscriptionRow? Find(string subscriptionKey) => rows.GetValueOrDefault(subscriptionKey);

    /// <summary>The published history of a subscription, in order.</summary>
    public IReadOnlyList<HistoryRow> HistoryOf(string subscriptionKey) =>
        [.. history.Values.Where(h => h.SubscriptionKey == subscriptionKey).OrderBy(h => h.Sequence)];
}
