using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Grains.ReadModel;

/// <summary>The whole published history of a subscription, newest first, a page at a time.</summary>
public interface IHistoryReader
{
    /// <summary>Up to <paramref name="limit"/> entries of <paramref name="subscriptionKey"/> before <paramref name="beforeSequence"/> (all when null), newest first.</summary>
    Task<IReadOnlyList<HistoryEntry>> ReadAsync(string subscriptionKey, long? beforeSequence, int limit, CancellationToken cancellationToken);

    /// <summary>The names of the published entries of <paramref name="subscriptionKey"/> whose actor is <paramref name="actor"/>, in order.</summary>
    Task<IReadOnlyList<string>> NamesByAsync(string subscriptionKey, string actor, CancellationToken cancellationToken);
}
