namespace OrleansBilling.Grains.Events;

/// <summary>An event due for delivery to an endpoint.</summary>
/// <param name="Seq">The event's place in the store (the order events were stored in).</param>
/// <param name="EventId">The event's id.</param>
/// <param name="CustomerId">Who it is about: a customer's events go out one at a time, in order.</param>
/// <param name="Payload">The body.</param>
/// <param name="Attempts">Attempts so far.</param>
/// <param name="WindowStart">When its retry window began (its first attempt, or its replay); before the first attempt, when it was stored.</param>
public sealed record PendingDelivery(long Seq, string EventId, string CustomerId, string Payload, int Attempts, DateTimeOffset WindowStart);

/// <summary>How one attempt ended, and what follows: delivered, tried again at <paramref name="NextAttemptAt"/>, or given up (neither).</summary>
/// <param name="Seq">The event's place in the store.</param>
/// <param name="Attempt">1, 2, 3, … per event and endpoint.</param>
/// <param name="At">When it was sent.</param>
/// <param name="StatusCode">The endpoint's status; null without an answer.</param>
/// <param name="LatencyMs">How long it took.</param>
/// <param name="Delivered">Whether it was a 2xx.</param>
/// <param name="Error">Why it failed.</param>
/// <param name="NextAttemptAt">When it is tried again; null when delivered or given up.</param>
/// <param name="SeenWindowStart">The window start the attempt read: a delivery replayed meanwhile (a new window) keeps its replay.</param>
/// <param name="WindowStart">The window the attempt belongs to (its own time, for a first attempt).</param>
public sealed record DeliveryOutcome(
    long Seq,
    int Attempt,
    DateTimeOffset At,
    int? StatusCode,
    int LatencyMs,
    bool Delivered,
    string? Error,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset SeenWindowStart,
    DateTimeOffset WindowStart);
