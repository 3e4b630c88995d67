using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Grains.ReadModel;

/// <summary>
/// Publishes a subscription's current row and its new history entries. Idempotent: re-running a
/// publish after a crash changes nothing, and an older version never overwrites a newer one.
/// </summary>
public interface IReadModelWriter
{
    Task WriteAsync(SubscriptionRow current, IReadOnlyList<HistoryEntry> history, CancellationToken cancellationToken);
}
