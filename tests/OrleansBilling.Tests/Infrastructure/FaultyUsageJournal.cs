using OrleansBilling.Grains.Usage;
using OrleansBilling.Silo.Usage;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// The in-memory usage journal, which can be told to write the next append and then fail as if its
/// answer were lost, or to hold the next append until released (a slow commit).
/// </summary>
public sealed class FaultyUsageJournal : IUsageJournal
{
    private readonly InMemoryUsageJournal journal = new();
    private int answersToLose;
    private TaskCompletionSource? held;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> emptyReads = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> reads = new(StringComparer.Ordinal);

    /// <summary>Signalled when a held append has reached the journal and waits there.</summary>
    public TaskCompletionSource Holding { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The next append waits before it writes until <see cref="Release"/>: a slow commit.</summary>
    public void HoldNextAppend()
    {
        Holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The held append goes on.</summary>
    public void Release() => Interlocked.Exchange(ref held, null)?.TrySetResult();

    /// <summary>The next append is written, then throws: a commit whose answer never arrived.</summary>
    public void LoseNextAnswer() => Interlocked.Exchange(ref answersToLose, 1);

    public async Task<IReadOnlyList<UsageRecord>> AppendAsync(string productId, string customerId, IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref held) is { } gate)
        {
            Holding.TrySetResult();
            await gate.Task;
        }

        var added = await journal.AppendAsync(productId, customerId, records, cancellationToken);
        return Interlocked.Exchange(ref answersToLose, 0) == 1
            ? throw new TimeoutException("The connection dropped after the commit.")
            : added;
    }

    public Task<IReadOnlyList<UsageTotals>> TotalsAsync(string productId, string customerId, DateTimeOffset since, CancellationToken cancellationToken) =>
        journal.TotalsAsync(productId, customerId, since, cancellationToken);

    public Task<IReadOnlySet<string>> RecordedAsync(string productId, string customerId, IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
        journal.RecordedAsync(productId, customerId, keys, cancellationToken);

    /// <summary>How many times a forwarding run found nothing unsent for a customer.</summary>
    public int EmptyUnsentReads(string customerId) => emptyReads.GetValueOrDefault(customerId);

    /// <summary>How many times the unsent usage of a customer was read.</summary>
    public int UnsentReads(string customerId) => reads.GetValueOrDefault(customerId);

    public async Task<IReadOnlyList<UsageRecord>> UnsentAsync(string productId, string customerId, int limit, CancellationToken cancellationToken)
    {
        reads.AddOrUpdate(customerId, 1, (_, n) => n + 1);
        var unsent = await journal.UnsentAsync(productId, customerId, limit, cancellationToken);
        if (unsent.Count == 0)
        {
            emptyReads.AddOrUpdate(customerId, 1, (_, n) => n + 1);
        }

        return unsent;
    }

    public Task MarkSentAsync(string productId, string customerId, long throughSequence, DateTimeOffset sentAt, CancellationToken cancellationToken) =>
        journal.MarkSentAsync(productId, customerId, throughSequence, sentAt, cancellationToken);
}
