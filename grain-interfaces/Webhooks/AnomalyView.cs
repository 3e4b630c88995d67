namespace OrleansBilling.GrainInterfaces.Webhooks;

/// <summary>A provider event the lifecycle table had no transition for, even after asking the provider.</summary>
[GenerateSerializer, Immutable, Alias("billing.AnomalyView")]
public sealed record AnomalyView(
    [property: Id(0)] string EventId,
    [property: Id(1)] string EventType,
    [property: Id(2)] string? SubscriptionKey,
    [property: Id(3)] string State,
    [property: Id(4)] string? Transition,
    [property: Id(5)] string? Detail,
    [property: Id(6)] DateTimeOffset RecordedAt);
