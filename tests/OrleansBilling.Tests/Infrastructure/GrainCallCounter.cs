using System.Collections.Concurrent;
using Orleans;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>Counts the grain calls a silo receives, by grain type, for tests of what a request costs.</summary>
public sealed class GrainCallCounter : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<string, int> calls = new(StringComparer.Ordinal);

    /// <summary>The calls received so far, by grain type (<c>subscription</c>, <c>apikey-directory</c>).</summary>
    public IReadOnlyDictionary<string, int> Calls => new Dictionary<string, int>(calls, StringComparer.Ordinal);

    public Task Invoke(IIncomingGrainCallContext context)
    {
        calls.AddOrUpdate(context.TargetId.Type.ToString()!, 1, (_, n) => n + 1);
        return context.Invoke();
    }
}
