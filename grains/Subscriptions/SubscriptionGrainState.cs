using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Lifecycle;

namespace OrleansBilling.Grains.Subscriptions;

/// <summary>
/// The persisted state of a subscription grain: the lifecycle's subscription, the recent (and any
/// unpublished) history, the effects still to run, and the answers kept for idempotency keys.
/// Written in one piece, so a decision and its effects are durable together.
/// </summary>
[GenerateSerializer, Alias("billing.SubscriptionGrainState")]
public sealed class SubscriptionGrainState
{
    [Id(0)] public Subscription? Subscription { get; set; }

    [Id(1)] public List<HistoryEntry> History { get; set; } = [];

    [Id(2)] public List<Effect> PendingEffects { get; set; } = [];

    /// <summary>History up to this sequence number is in the read model.</summary>
    [Id(3)] public long PublishedSequence { get; set; }

    /// <summary>Grows with every write; the read model keeps the row of the highest revision.</summary>
    [Id(4)] public long Revision { get; set; }

    [Id(5)] public Dictionary<string, IdempotentReply> Replies { get; set; } = [];

    /// <summary>The sent-log: keys of the lifecycle emails already sent (or given up on), oldest first.</summary>
    [Id(6)] public List<string> SentEmails { get; set; } = [];

    /// <summary>Where the billing period before the current one began: late usage may still count there.</summary>
    [Id(7)] public DateTimeOffset? PreviousPeriodStart { get; set; }

    /// <summary>Support overrides not yet removed; expired ones stop applying at once and leave at the next wake-up.</summary>
    [Id(8)] public List<GrantedOverride> Overrides { get; set; } = [];

    /// <summary>How many overrides were ever granted: numbers the next one.</summary>
    [Id(9)] public int OverridesGranted { get; set; }
}
