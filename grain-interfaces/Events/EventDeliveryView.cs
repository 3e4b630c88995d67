namespace OrleansBilling.GrainInterfaces.Events;

/// <summary>One event's delivery to one endpoint: the newest attempt and what comes next.</summary>
/// <param name="EventId">The event.</param>
/// <param name="Type">Its type.</param>
/// <param name="CustomerId">The customer it is about.</param>
/// <param name="Version">The subscription's version it reports.</param>
/// <param name="OccurredAt">When the change was stored.</param>
/// <param name="Status">Pending, delivered or failed.</param>
/// <param name="Attempts">Attempts so far.</param>
/// <param name="NextAttemptAt">When it is tried next, while pending.</param>
/// <param name="LastAttemptAt">When it was last tried.</param>
/// <param name="LastStatusCode">The endpoint's last HTTP status; null when it did not answer.</param>
/// <param name="LastLatencyMs">How long the last attempt took.</param>
/// <param name="LastError">Why the last attempt failed (status, timeout, refused connection).</param>
/// <param name="DeliveredAt">When the endpoint answered 2xx.</param>
[GenerateSerializer, Immutable, Alias("billing.EventDeliveryView")]
public sealed record EventDeliveryView(
    [property: Id(0)] string EventId,
    [property: Id(1)] string Type,
    [property: Id(2)] string CustomerId,
    [property: Id(3)] long Version,
    [property: Id(4)] DateTimeOffset OccurredAt,
    [property: Id(5)] DeliveryStatus Status,
    [property: Id(6)] int Attempts,
    [property: Id(7)] DateTimeOffset? NextAttemptAt,
    [property: Id(8)] DateTimeOffset? LastAttemptAt,
    [property: Id(9)] int? LastStatusCode,
    [property: Id(10)] int? LastLatencyMs,
    [property: Id(11)] string? LastError,
    [property: Id(12)] DateTimeOffset? DeliveredAt);
