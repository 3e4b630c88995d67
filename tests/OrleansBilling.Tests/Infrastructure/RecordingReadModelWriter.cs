using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.ReadModel;
using OrleansBilling.Silo.ReadModel;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>The local default's in-memory read model, with failures that tests can inject.</summary>
public sealed class RecordingReadModelWriter : IReadModelWriter
{
    private int failuresLeft;

    private Hold? held;

    public InMemoryReadModelWriter Store { get; } = new();

    public int Writes { get; private set; }

    /// <summary>The next <paramref name="count"/> writes throw, as an unreachable database would.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref failuresLeft, count);

    /// <summary>The next write of the customer's row waits until the returned source completes, as a slow database would.</summary>
    public TaskCompletionSource HoldNextOf(string productId, string customerId)
    {
        var hold = new Hold(productId, customerId, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        Volatile.Write(ref held, hold);
        return hold.Release;
    }

    public async Task WriteAsync(SubscriptionRow current, IReadOnlyList<HistoryEntry> history, CancellationToken cancellationToken)
    {
        // Taken by one write only, whichever thread the grains' writes come on.
        if (Volatile.Read(ref held) is { } hold && hold.ProductId == current.ProductId && hold.CustomerId == current.CustomerId
            && ReferenceEquals(Interlocked.CompareExchange(ref held, null, hold), hold))
        {
            await hold.Release.Task;
        }

        if (Interlocked.Decrement(ref failuresLeft) >= 0)
        {
            throw new InvalidOperationException("Injected read-model failure.");
        }

        Writes++;
        await Store.WriteAsync(current, history, cancellationToken);
    }

    private sealed record Hold(string ProductId, string CustomerId, TaskCompletionSource Release);
}
