using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.ReadModel;
using OrleansBilling.Silo.ReadModel;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>The local default's in-memory read model, with failures that tests can inject.</summary>
public sealed class RecordingReadModelWriter : IReadModelWriter
{
    private int failuresLeft;

    public InMemoryReadModelWriter Store { get; } = new();

    public int Writes { get; private set; }

    /// <summary>The next <paramref name="count"/> writes throw, as an unreachable database would.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref failuresLeft, count);

    public Task WriteAsync(SubscriptionRow current, IReadOnlyList<HistoryEntry> history, CancellationToken cancellationToken)
    {
        if (Interlocked.Decrement(ref failuresLeft) >= 0)
        {
            throw new InvalidOperationException("Injected read-model failure.");
        }

        Writes++;
        return Store.WriteAsync(current, history, cancellationToken);
    }
}
