namespace OrleansBilling.Grains.Effects;

/// <summary>One effect waiting in a grain's outbox, with its attempts so far.</summary>
/// <param name="Id">1, 2, 3, … per outbox: the order effects were decided in.</param>
/// <param name="Effect">What to do.</param>
/// <param name="Attempts">How many times it failed.</param>
/// <param name="DueAt">When to try next: at once when decided, later after a failure.</param>
/// <param name="LastError">Why the last attempt failed, for people.</param>
[GenerateSerializer, Immutable, Alias("billing.OutboxEntry")]
public sealed record OutboxEntry(
    [property: Id(0)] long Id,
    [property: Id(1)] Effect Effect,
    [property: Id(2)] int Attempts,
    [property: Id(3)] DateTimeOffset DueAt,
    [property: Id(4)] string? LastError = null);
