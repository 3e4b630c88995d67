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

    public Task<IReadOnlySet<string>> AppendAsync(string productId, string customerId, IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        var accepted = UsageAppend.FirstOfEachKey(productId, customerId, records);
        cancellationToken.ThrowIfCancellationRequested();
        var usage = subscriptions.GetOrAdd((productId, customerId), _ => new SubscriptionUsage());
        var added = new HashSet<string>(StringComparer.Ordinal);
        lock (usage)
        {
            foreach (var record in accepted)
            {
                if (usage.Events.TryAdd(record.IdempotencyKey, new StoredUsage(AsStored(record))))
                {
                    added.Add(record.IdempotencyKey);
                }
            }
        }

        return Task.FromResult<IReadOnlySet<string>>(added);
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
        IReadOnlyList<UsageRecord> unsent =
        [
            .. Snapshot(productId, customerId)
                .Where(e => e.SentAt is null)
                .Select(e => e.Record)
                .OrderBy(r => r.ReceivedAt)
                .ThenBy(r => r.IdempotencyKey, StringComparer.Ordinal)
                .Take(limit),
        ];
        return Task.FromResult(unsent);
    }

    public Task MarkSentAsync(string productId, string customerId, IReadOnlyList<string> idempotencyKeys, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(idempotencyKeys);
        if (!subscriptions.TryGetValue((productId, customerId), out var usage))
        {
            return Task.CompletedTask;
        }

        lock (usage)
        {
            foreach (var key in idempotencyKeys)
            {
                if (usage.Events.TryGetValue(key, out var stored) && stored.SentAt is null)
                {
                    usage.Events[key] = stored with { SentAt = UsageAppend.AsStored(sentAt) };
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>When the provider accepted an event, if it did; for tests.</summary>
    public DateTimeOffset? SentAt(string productId, string customerId, string idempotencyKey) =>
        Snapshot(productId, customerId).FirstOrDefault(e => e.Record.IdempotencyKey == idempotencyKey)?.SentAt;

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

    private static UsageRecord AsStored(UsageRecord record) => record with
    {
        Timestamp = UsageAppend.AsStored(record.Timestamp),
        PeriodStart = UsageAppend.AsStored(record.PeriodStart),
        ReceivedAt = UsageAppend.AsStored(record.ReceivedAt),
    };

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
    }

    private sealed record StoredUsage(UsageRecord Record, DateTimeOffset? SentAt = null);
}
