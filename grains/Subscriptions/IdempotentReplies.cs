namespace OrleansBilling.Grains.Subscriptions;

/// <summary>
/// The first answers given to requests with an idempotency key, kept 24 hours to answer their repeats.
/// Persisted apart from the subscription: written only when a keyed request is answered, so the
/// writes of webhooks and time do not carry them (bench/README.md, "A subscription grain's writes").
/// </summary>
[GenerateSerializer, Alias("billing.IdempotentReplies")]
public sealed class IdempotentReplies
{
    [Id(0)] public Dictionary<string, IdempotentReply> Replies { get; set; } = [];
}
