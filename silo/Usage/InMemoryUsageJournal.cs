using System.Collections.Concurrent;
using OrleansBilling.Grains.Usage;

namespace OrleansBilling.Silo.Usage;

/// <summary>
/// The usage journal of the in-memory local default: the same contract as PostgreSQL's (first write
/// of a key wins, the same totals and the same orders), kept in this process and lost with it.
/// </summary>
public sealed class InMemoryUsageJournal : IUsageJournal
{
    private readonly ConcurrentDictionary<(string ProductId, string CustomerId), SubscriptionUsage> subscriptions = new();

    public Task<IReadOnlyList<UsageRecord>> AppendAsync(string productId, string customerId, IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        var accepted = UsageAppend.FirstOfEachKey(productId, customerId, records);
        cancellationToken.ThrowIfCancellationRequested();
        var usage = subscriptions.GetOrAdd((productId, customerId), _ => new SubscriptionUsage());
        var added = new List<UsageRecord>();
        lock (usage)
        {
            // Numbered in key order within an append, as PostgreSQL's rounds insert them.
            foreach (var record in accepted.OrderBy(r => r.IdempotencyKey, StringComparer.Ordinal))
            {
                if (!usage.Events.ContainsKey(record.IdempotencyKey))
                {
                    var stored = UsageAppend.AsStored(record, ++usage.LastSequence);
                    usage.Events.Add(record.IdempotencyKey, new StoredUsage(stored));
                    added.Add(stored);
                }
            }
        }

        return Task.FromResult<IReadOnlyList<UsageRecord>>(added);
    }

    public Task<IReadOnlyList<UsageTotals>> TotalsAsync(string productId, string customerId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var from = UsageAppend.AsStored(since);
        IReadOnlyList<UsageTotals> totals =
        [
            .. Snapshot(productId, customerId)
                .Where(e => e.Record.PeriodStart >= from)
                .GroupBy(e => (e.Record.PeriodStart, e.Record.MeterId))
                .Select(group => Total(group.Key.PeriodStart, group.Key.MeterId, group.Select(e => e.Record)))
                .OrderBy(t => t.PeriodStart)
                .ThenBy(t => t.MeterId, StringComparer.Ordinal),
        ];
        return Task.FromResult(totals);
    }

    public Task<IReadOnlyList<UsageRecord>> UnsentAsync(string productId, string customerId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        if (!subscriptions.TryGetValue((productId, customerId), out var usage))
        {
            return Task.FromResult<IReadOnlyList<UsageRecord>>([]);
        }

        lock (usage)
        {
            IReadOnlyList<UsageRecord> unsent =
            [
                .. usage.Events.Values
                    .Select(e => e.Record)
                    .Where(r => r.Sequence > usage.SentThrough)
                    .OrderBy(r => r.Sequence)
                    .Take(limit),
            ];
            return Task.FromResult(unsent);
        }
    }

    public Task<IReadOnlySet<string>> RecordedAsync(string productId, string customerId, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        var stored = Snapshot(productId, customerId).Select(e => e.Record.IdempotencyKey).ToHashSet(StringComparer.Ordinal);
        return Task.FromResult<IReadOnlySet<string>>(keys.Where(stored.Contains).ToHashSet(StringComparer.Ordinal));
    }

    public Task MarkSentAsync(string productId, string customerId, long throughSequence, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        if (subscriptions.TryGetValue((productId, customerId), out var usage))
        {
            lock (usage)
            {
                usage.SentThrough = Math.Max(usage.SentThrough, throughSequence);
            }
        }

        return Task.CompletedTask;
    }

    // The "last" event: the latest timestamp, then the later accepted, then the greater key in byte
    // order, so the choice never depends on the order events arrived in.
    private static UsageTotals Total(DateTimeOffset periodStart, string meterId, IEnumerable<UsageRecord> records)
    {
        var list = records.ToList();
        var last = list
            .OrderByDescending(r => r.Timestamp)
            .ThenByDescending(r => r.ReceivedAt)
            .ThenByDescending(r => r.IdempotencyKey, StringComparer.Ordinal)
            .First();
        return new UsageTotals(periodStart, meterId, list.Sum(r => r.Quantity), list.Count, list.Max(r => r.Quantity), last.Quantity, last.Timestamp);
    }

    private StoredUsage[] Snapshot(string productId, string customerId)
    {
        if (!subscriptions.TryGetValue((productId, customerId), out var usage))
        {
            return [];
        }

        lock (usage)
        {
            return [.. usage.Events.Values];
        }
    }

    private sealed class SubscriptionUsage
    {
        public Dictionary<string, StoredUsage> Events { get; } = new(StringComparer.Ordinal);

        /// <summary>The sequence of the subscription's latest appended record.</summary>
        public long LastSequence { get; set; }

        /// <summary>The provider has every record up to this sequence.</summary>
        public long SentThrough { get; set; }
    }

    private sealed record StoredUsage(UsageRecord Record);
}
