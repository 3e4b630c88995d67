using System.Collections.Concurrent;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// A grain call filter that can hold the next call of a named grain method before it runs, as a slow silo would, and counts
/// the calls of each method.
/// </summary>
public sealed class CallHolds : IIncomingGrainCallFilter
{
    private readonly NextHold next = new();
    private readonly ConcurrentDictionary<string, int> calls = new(StringComparer.Ordinal);

    /// <summary>How many calls of grain method <paramref name="methodName"/> arrived so far.</summary>
    public int Count(string methodName) => calls.GetValueOrDefault(methodName);

    /// <summary>
    /// The next call of grain method <paramref name="methodName"/> waits, before it runs, until the task returned is completed;
    /// <paramref name="held"/> completes once it waits.
    /// </summary>
    public TaskCompletionSource HoldNext(string methodName, out Task held) => next.Arm(methodName, out held);

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        calls.AddOrUpdate(context.ImplementationMethod.Name, 1, (_, n) => n + 1);
        await next.PassAsync(context.ImplementationMethod.Name);
        await context.Invoke();
    }
}
