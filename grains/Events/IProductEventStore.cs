using OrleansBilling.GrainInterfaces.Events;

namespace OrleansBilling.Grains.Events;

/// <summary>
/// The outbox of events to products (PostgreSQL, or memory by default): events, each product's endpoints, and each event's
/// delivery to each endpoint that wants it, with the log of attempts.
/// </summary>
public interface IProductEventStore
{
    /// <summary>
    /// Stores events not stored before (by id) and a pending delivery of each to every enabled endpoint of its product
    /// that wants its type, in one transaction. Answers the endpoints that got new deliveries.
    /// </summary>
    Task<IReadOnlyList<string>> AppendAsync(IReadOnlyList<ProductEvent> events, DateTimeOffset now, CancellationToken cancellationToken);

    Task<IReadOnlyList<EventEndpoint>> EndpointsAsync(string productId, CancellationToken cancellationToken);

    Task<EventEndpoint?> EndpointAsync(string productId, string endpointId, CancellationToken cancellationToken);

    /// <summary>Adds or replaces the endpoint.</summary>
    Task SaveEndpointAsync(EventEndpoint endpoint, CancellationToken cancellationToken);

    /// <summary>Disables an enabled endpoint with <paramref name="reason"/> (the service's, after a whole window of failures); false when it is not there or not enabled.</summary>
    Task<bool> DisableAsync(string productId, string endpointId, DateTimeOffset at, string reason, CancellationToken cancellationToken);

    /// <summary>Removes the endpoint with its deliveries and attempts; false when there was none.</summary>
    Task<bool> DeleteEndpointAsync(string productId, string endpointId, CancellationToken cancellationToken);

    /// <summary>Pending and failed deliveries of each endpoint of the product.</summary>
    Task<IReadOnlyDictionary<string, (int Pending, int Failed)>> CountsAsync(string productId, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> deliveries of the endpoint due at <paramref name="now"/>, oldest first: for each customer
    /// whose oldest pending delivery is due, that one and up to <paramref name="perCustomer"/> − 1 after it, as long as each is
    /// due too (a customer's events go out in order, so a caller sends them one after another and stops at a failure).
    /// </summary>
    Task<IReadOnlyList<PendingDelivery>> DueAsync(string productId, string endpointId, DateTimeOffset now, int limit, CancellationToken cancellationToken, int perCustomer = 1);

    /// <summary>When the next of the endpoint's deliveries falls due (the oldest pending one of each customer); null when none waits.</summary>
    Task<DateTimeOffset?> NextDueAsync(string productId, string endpointId, CancellationToken cancellationToken);

    /// <summary>The enabled endpoints with a delivery due by <paramref name="dueBy"/> (for the sweep that finds what a lost nudge left).</summary>
    Task<IReadOnlyList<(string ProductId, string EndpointId)>> DueEndpointsAsync(DateTimeOffset dueBy, CancellationToken cancellationToken);

    /// <summary>Records attempts: the delivery's new status and the log; a delivered one sets the endpoint's last delivery.</summary>
    Task RecordAsync(string productId, string endpointId, IReadOnlyList<DeliveryOutcome> outcomes, CancellationToken cancellationToken);

    Task<IReadOnlyList<EventDeliveryView>> DeliveriesAsync(string productId, string endpointId, DeliveryQuery query, CancellationToken cancellationToken);

    Task<IReadOnlyList<DeliveryAttemptView>> AttemptsAsync(string productId, string endpointId, string eventId, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the chosen events of the product (one by id, or those of the endpoint's types in a time range) pending for the endpoint
    /// again, due at <paramref name="now"/> with a new retry window. Answers how many; null when the event id is unknown.
    /// </summary>
    Task<int?> ReplayAsync(EventEndpoint endpoint, ReplayRequest request, DateTimeOffset now, CancellationToken cancellationToken);
}
