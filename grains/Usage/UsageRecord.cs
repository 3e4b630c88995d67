namespace OrleansBilling.Grains.Usage;

/// <summary>One usage event as the journal keeps it: accepted once per (product, customer, idempotency key).</summary>
/// <param name="IdempotencyKey">The product's key for the event; unique per product and customer.</param>
/// <param name="MeterId">The catalog meter it counts on.</param>
/// <param name="Quantity">How much: not negative, at most six decimal places.</param>
/// <param name="Timestamp">When the usage happened, as the product reported it.</param>
/// <param name="PeriodStart">The start of the billing period the event was counted in.</param>
/// <param name="ReceivedAt">When the service accepted it.</param>
/// <param name="Sequence">The journal's number for it, growing with each append of the subscription; 0 until written.</param>
public sealed record UsageRecord(
    string IdempotencyKey,
    string MeterId,
    decimal Quantity,
    DateTimeOffset Timestamp,
    DateTimeOffset PeriodStart,
    DateTimeOffset ReceivedAt,
    long Sequence = 0);
