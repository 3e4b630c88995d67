namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>Whether a history entry changed the state (a transition) or only recorded something (a fact).</summary>
public enum HistoryKind
{
    Transition,
    Fact,
}
