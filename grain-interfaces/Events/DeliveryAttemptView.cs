namespace OrleansBilling.GrainInterfaces.Events;

/// <summary>One attempt to deliver an event to an endpoint, for the delivery log.</summary>
/// <param name="EventId">The event.</param>
/// <param name="Attempt">1, 2, 3, … per event and endpoint; a replay continues the count.</param>
/// <param name="At">When it was sent.</param>
/// <param name="StatusCode">The endpoint's HTTP status; null when it did not answer.</param>
/// <param name="LatencyMs">How long until the answer (or the failure).</param>
/// <param name="Delivered">Whether it was a 2xx.</param>
/// <param name="Error">Why it failed, when it did.</param>
[GenerateSerializer, Immutable, Alias("billing.DeliveryAttemptView")]
public sealed record DeliveryAttemptView(
    [property: Id(0)] string EventId,
    [property: Id(1)] int Attempt,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] int? StatusCode,
    [property: Id(4)] int LatencyMs,
    [property: Id(5)] bool Delivered,
    [property: Id(6)] string? Error);
