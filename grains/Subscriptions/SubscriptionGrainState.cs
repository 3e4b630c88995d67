using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Effects;
using OrleansBilling.Grains.Lifecycle;

namespace OrleansBilling.Grains.Subscriptions;

/// <summary>
/// The persisted state of a subscription grain: the lifecycle's subscription, its most recent
/// history and the effects still to run. Written in one piece, so a decision and its effects are
/// durable together. The answers kept for idempotency keys are a state of their own
/// (<see cref="IdempotentReplies"/>): they would make every write of this one larger.
/// </summary>
[GenerateSerializer, Alias("billing.SubscriptionGrainState")]
public sealed class SubscriptionGrainState
{
    [Id(0)] public Subscription? Subscription { get; set; }

    /// <summary>The most recent history entries, oldest first; the whole history is in the read model.</summary>
    [Id(1)] public List<HistoryEntry> History { get; set; } = [];

    /// <summary>Grows with every write; the read model keeps the row of the highest revision.</summary>
    [Id(4)] public long Revision { get; set; }

    /// <summary>The sent-log: keys of the lifecycle emails already sent (or given up on), oldest first.</summary>
    [Id(6)] public List<string> SentEmails { get; set; } = [];

    /// <summary>Where the billing period before the current one began: late usage may still count there.</summary>
    [Id(7)] public DateTimeOffset? PreviousPeriodStart { get; set; }

    /// <summary>The effects decided and not yet done.</summary>
    [Id(10)] public EffectOutbox Outbox { get; set; } = new();

    /// <summary>The usage alerts recorded (period start, meter, percent), newest last: each is told to the product once.</summary>
    [Id(11)] public List<string> UsageAlerts { get; set; } = [];

    /// <summary>What the customer may use as last told to the product (<see cref="Events.ProductEvents.EntitlementsFingerprint"/>).</summary>
    [Id(12)] public string? EntitlementsTold { get; set; }
}
