namespace OrleansBilling.GrainInterfaces.Events;

/// <summary>
/// The body of every event a product receives (the Standard Webhooks shape: <c>type</c>, <c>timestamp</c>, <c>data</c>),
/// with what a receiver needs to apply it once and in order.
/// </summary>
/// <param name="Id">The event's id, equal to its <c>webhook-id</c> header.</param>
/// <param name="Type">What happened (<c>subscription.updated</c>).</param>
/// <param name="Timestamp">When the change was stored.</param>
/// <param name="Product">The product's id.</param>
/// <param name="Customer">The product's id of its customer.</param>
/// <param name="Version">
/// The subscription's revision after the change (the <c>version</c> of its subscription and entitlements as read over the API):
/// it only grows, and the events of one change share it. A receiver keeps the highest version it applied per customer
/// and ignores an event of a lower one.
/// </param>
/// <param name="Data">The type's content.</param>
public sealed record ProductEventEnvelope<TData>(
    string Id,
    string Type,
    DateTimeOffset Timestamp,
    string Product,
    string Customer,
    long Version,
    TData Data);
