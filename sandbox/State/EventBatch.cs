namespace OrleansBilling.Sandbox.State;

/// <summary>The events one API call or clock step caused, in the order they are delivered.</summary>
internal sealed class EventBatch(string? requestId, string? idempotencyKey)
{
    public string? RequestId { get; } = requestId;

    public string? IdempotencyKey { get; } = idempotencyKey;

    public List<EventRecord> Events { get; } = [];

    /// <summary>Events caused by the sandbox itself (its clock), which Stripe marks with a null request.</summary>
    public static EventBatch Automatic() => new(null, null);
}
