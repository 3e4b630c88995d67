using System.Collections.Concurrent;
using Orleans;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>Counts the grain calls a silo receives, by grain, for tests of what a request costs.</summary>
public sealed class GrainCallCounter : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<GrainId, int> calls = new();

    /// <summary>The calls received so far, by grain type (<c>subscription</c>, <c>apikey-directory</c>).</summary>
    public IReadOnlyDictionary<string, int> Calls =>
        calls.GroupBy(c => c.Key.Type.ToString()!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(c => c.Value), StringComparer.Ordinal);

    /// <summary>The grains called so far whose key contains <paramref name="text"/>.</summary>
    public IReadOnlyList<GrainId> Called(string text) => [.. calls.Keys.Where(id => id.Key.ToString()!.Contains(text, StringComparison.Ordinal))];

    /// <summary>How many calls the grains of type <paramref name="grainType"/> whose key contains <paramref name="text"/> received so far.</summary>
    public int CallsTo(string grainType, string text) =>
        calls.Where(c => c.Key.Type.ToString() == grainType && c.Key.Key.ToString()!.Contains(text, StringComparison.Ordinal)).Sum(c => c.Value);

    public Task Invoke(IIncomingGrainCallContext context)
    {
        calls.AddOrUpdate(context.TargetId, 1, (_, n) => n + 1);
        return context.Invoke();
    }
}
