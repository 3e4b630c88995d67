using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Tests.EndToEnd;

/// <summary>One customer's subscription at one moment: its state, the API's view of it and its whole history.</summary>
internal sealed record SubscriptionSnapshot(string State, string View, IReadOnlyList<HistoryEntry> History)
{
    /// <summary>The history's transitions, in order.</summary>
    public IReadOnlyList<string> Transitions =>
        [.. History.Where(h => h.Kind == HistoryKind.Transition).Select(h => h.Name)];
}
