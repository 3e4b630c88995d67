namespace OrleansBilling.GrainInterfaces.Events;

/// <summary>Which deliveries of an endpoint to list, newest event first.</summary>
/// <param name="Status">Only those in this status.</param>
/// <param name="CustomerId">Only those about this customer.</param>
/// <param name="Before">Only events stored before this one (the id of the last of the previous page).</param>
/// <param name="Limit">At most this many (1–200).</param>
[GenerateSerializer, Immutable, Alias("billing.DeliveryQuery")]
public sealed record DeliveryQuery(
    [property: Id(0)] DeliveryStatus? Status = null,
    [property: Id(1)] string? CustomerId = null,
    [property: Id(2)] string? Before = null,
    [property: Id(3)] int Limit = 50);
