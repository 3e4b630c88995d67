namespace OrleansBilling.Grains.Events;

/// <summary>An event due for delivery to an endpoint.</summary>
/// <param name="Seq">The event's place in the store (the order events were stored in).</param>
/// <param name="EventId">The event's id.</param>
/// <param name="CustomerId">Who it is about: a customer's events go out one at a time, in order.</param>
/// <param name="Payload">The body.</param>
/// <param name="Attempts">Attempts so far.</param>
/// <param name="WindowStart">When its retry window began (its storage, or its replay).</param>
public sealed record PendingDelivery(long Seq, string EventId, string CustomerId, string Payload, int Attempts, DateTimeOffset WindowStart);

/// <summary>How one attempt ended, and what follows: delivered, tried again at <paramref name="NextAttemptAt"/>, or given up (neither).</summary>
public sealed record DeliveryOutcome(
    long Seq,
    int Attempt,
    DateTimeOffset At,
    int? StatusCode,
    int LatencyMs,
    bool Delivered,
    string? Error,
    DateTimeOffset? NextAttemptAt);
