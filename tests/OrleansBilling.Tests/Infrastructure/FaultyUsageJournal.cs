using OrleansBilling.Grains.Usage;
using OrleansBilling.Silo.Usage;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>The in-memory usage journal, which can be told to write the next append and then fail as if its answer were lost.</summary>
public sealed class FaultyUsageJournal : IUsageJournal
{
    private readonly InMemoryUsageJournal journal = new();
    private int answersToLose;

    /// <summary>The next append is written, then throws: a commit whose answer never arrived.</summary>
    public void LoseNextAnswer() => Interlocked.Exchange(ref answersToLose, 1);

    public async Task<IReadOnlySet<string>> AppendAsync(string productId, string customerId, IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        var added = await journal.AppendAsync(productId, customerId, records, cancellationToken);
        return Interlocked.Exchange(ref answersToLose, 0) == 1
            ? throw new TimeoutException("The connection dropped after the commit.")
            : added;
    }

    public Task<IReadOnlyList<UsageTotals>> TotalsAsync(string productId, string customerId, DateTimeOffset since, CancellationToken cancellationToken) =>
        journal.TotalsAsync(productId, customerId, since, cancellationToken);

    public Task<IReadOnlyList<UsageRecord>> UnsentAsync(string productId, string customerId, int limit, CancellationToken cancellationToken) =>
        journal.UnsentAsync(productId, customerId, limit, cancellationToken);

    public Task MarkSentAsync(string productId, string customerId, long throughSequence, DateTimeOffset sentAt, CancellationToken cancellationToken) =>
        journal.MarkSentAsync(productId, customerId, throughSequence, sentAt, cancellationToken);
}
