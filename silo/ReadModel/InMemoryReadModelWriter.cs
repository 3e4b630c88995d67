using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Staff;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.ReadModel;
using OrleansBilling.Grains.Reporting;

namespace OrleansBilling.Silo.ReadModel;

/// <summary>
/// The read model of the in-memory local default: the same contract as PostgreSQL's (idempotent
/// history, newest version wins), kept in this process and lost with it.
/// </summary>
public sealed class InMemoryReadModelWriter : IReadModelWriter, IHistoryReader, ICustomerSearch, IReportingHistory
{
    private readonly ConcurrentDictionary<string, SubscriptionRow> rows = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> invoices = new(StringComparer.Ordinal);

    /// <summary>What each rank of match is called, best first (as PostgreSQL's search ranks them).</summary>
    private static readonly string[] Matched = ["customer id", "customer id", "email", "Stripe customer", "Stripe subscription", "invoice"];
    private readonly ConcurrentDictionary<(string Key, long Sequence), HistoryEntry> history = new();

    public Task WriteAsync(SubscriptionRow current, IReadOnlyList<HistoryEntry> entries, CancellationToken cancellationToken)
    {
        foreach (var entry in entries)
        {
            history.TryAdd((current.SubscriptionKey, entry.Sequence), entry);
        }

        foreach (var invoice in current.InvoiceIds ?? [])
        {
            invoices.TryAdd(invoice, current.SubscriptionKey);
        }

        rows.AddOrUpdate(current.SubscriptionKey, current, (_, stored) => stored.Version <= current.Version ? current : stored);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<CustomerMatch>> FindAsync(string query, int limit, CancellationToken cancellationToken)
    {
        var matches = rows.Values.Select(row => (row, rank:
                row.CustomerId == query ? 0
                : row.CustomerId.StartsWith(query, StringComparison.Ordinal) ? 1
                : string.Equals(row.Email, query, StringComparison.OrdinalIgnoreCase) ? 2
                : row.ProviderCustomerId == query ? 3
                : row.ProviderSubscriptionId == query ? 4
                : invoices.TryGetValue(query, out var key) && key == row.SubscriptionKey ? 5
                : -1))
            .Where(m => m.rank >= 0)
            .OrderBy(m => m.rank).ThenBy(m => m.row.CustomerId, StringComparer.Ordinal).ThenBy(m => m.row.ProductId, StringComparer.Ordinal)
            .Take(limit)
            .Select(m => new CustomerMatch(m.row.ProductId, m.row.CustomerId, m.row.State, m.row.PlanId, Matched[m.rank], CustomerMatch.Mask(m.row.Email)));
        return Task.FromResult<IReadOnlyList<CustomerMatch>>([.. matches]);
    }

    public Task<IReadOnlyList<HistoryEntry>> ReadAsync(string subscriptionKey, long? beforeSequence, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<HistoryEntry>>(
            [.. HistoryOf(subscriptionKey).Where(h => beforeSequence is null || h.Sequence < beforeSequence).OrderByDescending(h => h.Sequence).Take(limit)]);

    public async IAsyncEnumerable<IReadOnlyList<ReportingEntry>> ReadAsync(string? productId, DateTimeOffset until, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var subscriptions = history
            .Where(h => h.Value.OccurredAt <= until && ReportFacts.Reads(h.Value))
            .Select(h => (h.Key.Key, Entry: h.Value, Product: BillingIds.ParseSubscriptionKey(h.Key.Key).ProductId))
            .Where(h => productId is null || h.Product == productId)
            .GroupBy(h => h.Key, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var subscription in subscriptions)
        {
            await Task.Yield();
            yield return
            [
                .. subscription.OrderBy(h => h.Entry.Sequence).Select(h => new ReportingEntry(
                    h.Key, h.Product, h.Entry.Sequence, h.Entry.OccurredAt, h.Entry.From, h.Entry.To, h.Entry.TermsAfter, h.Entry.Name, h.Entry.Actor)),
            ];
        }
    }

    public Task<IReadOnlyList<string>> NamesByAsync(string subscriptionKey, string actor, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([.. HistoryOf(subscriptionKey).Where(h => h.Actor == actor).Select(h => h.Name)]);

    /// <summary>The current row of a subscription, if published.</summary>
    public SubscriptionRow? Find(string subscriptionKey) => rows.GetValueOrDefault(subscriptionKey);

    /// <summary>The published history of a subscription, in order.</summary>
    public IReadOnlyList<HistoryEntry> HistoryOf(string subscriptionKey) =>
        [.. history.Where(h => h.Key.Key == subscriptionKey).Select(h => h.Value).OrderBy(h => h.Sequence)];
}
