using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.ReadModel;
using OrleansBilling.Silo.ReadModel;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>The local default's in-memory read model, with failures that tests can inject.</summary>
public sealed class RecordingReadModelWriter : IReadModelWriter
{
    private int failuresLeft;

    private (string ProductId, string CustomerId, TaskCompletionSource Release)? held;

    public InMemoryReadModelWriter Store { get; } = new();

    public int Writes { get; private set; }

    /// <summary>The next <paramref name="count"/> writes throw, as an unreachable database would.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref failuresLeft, count);

    /// <summary>The next write of the customer's row waits until the returned source completes, as a slow database would.</summary>
    public TaskCompletionSource HoldNextOf(string productId, string customerId)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        held = (productId, customerId, release);
        return release;
    }

    public async Task WriteAsync(SubscriptionRow current, IReadOnlyList<HistoryEntry> history, CancellationToken cancellationToken)
    {
        if (held is { } hold && hold.ProductId == current.ProductId && hold.CustomerId == current.CustomerId)
        {
            held = null;
            await hold.Release.Task;
        }

        if (Interlocked.Decrement(ref failuresLeft) >= 0)
        {
            throw new InvalidOperationException("Injected read-model failure.");
        }

        Writes++;
        await Store.WriteAsync(current, history, cancellationToken);
    }
}
