namespace OrleansBilling.GrainInterfaces.Events;

/// <summary>
/// One event to a product, decided with the change it reports and never changed after: the exact body every
/// delivery of it sends.
/// </summary>
/// <param name="Id">Stable across deliveries and replays (<c>evt_…</c>); the <c>webhook-id</c> a receiver deduplicates on.</param>
/// <param name="Type">One of <see cref="ProductEventTypes"/>.</param>
/// <param name="ProductId">The product whose customer changed.</param>
/// <param name="CustomerId">The product's id of its customer.</param>
/// <param name="Version">The subscription's revision after the change: only grows, shared by the events of one change.</param>
/// <param name="OccurredAt">When the service stored the change.</param>
/// <param name="Payload">The JSON body (<see cref="ProductEventEnvelope{TData}"/>).</param>
[GenerateSerializer, Immutable, Alias("billing.ProductEvent")]
public sealed record ProductEvent(
    [property: Id(0)] string Id,
    [property: Id(1)] string Type,
    [property: Id(2)] string ProductId,
    [property: Id(3)] string CustomerId,
    [property: Id(4)] long Version,
    [property: Id(5)] DateTimeOffset OccurredAt,
    [property: Id(6)] string Payload);
