using Orleans;
using Orleans.Runtime;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// A grain call filter that makes the next calls of a named grain method fail as the cluster fails
/// while a silo is being declared dead: with <see cref="SiloUnavailableException"/>.
/// </summary>
public sealed class ClusterFaults : IIncomingGrainCallFilter
{
    private string? method;
    private int failuresLeft;

    /// <summary>The next <paramref name="count"/> calls of grain method <paramref name="methodName"/> fail.</summary>
    public void FailNext(string methodName, int count)
    {
        method = methodName;
        Interlocked.Exchange(ref failuresLeft, count);
    }

    /// <summary>How many injected failures are still to come.</summary>
    public int FailuresLeft => Math.Max(0, Volatile.Read(ref failuresLeft));

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.ImplementationMethod.Name == method && Interlocked.Decrement(ref failuresLeft) >= 0)
        {
            throw new SiloUnavailableException($"Injected: the silo hosting {context.TargetId} is being declared dead.");
        }

        return context.Invoke();
    }
}
