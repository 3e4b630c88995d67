using Orleans.Concurrency;
using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.GrainInterfaces.Events;

/// <summary>
/// A product's event endpoints, keyed <see cref="EventKeys.Endpoints"/>: added, changed, rotated and removed by admins,
/// with their delivery logs and replays. Changes of one product's endpoints are serialized here.
/// </summary>
[Alias("billing.IEventEndpointsGrain")]
public interface IEventEndpointsGrain : IGrainWithStringKey
{
    [ReadOnly, Alias("List")]
    Task<IReadOnlyList<EventEndpointView>> List();

    [ReadOnly, Alias("Get")]
    Task<EventEndpointView?> Get(string endpointId);

    /// <summary>Adds an endpoint with a new secret, shown in this answer only.</summary>
    [Alias("Create")]
    Task<CommandResult<IssuedEndpointSecret>> Create(EventEndpointRequest request, string actor);

    /// <summary>Changes what the request sets; enabling a disabled endpoint sends what waits for it.</summary>
    [Alias("Update")]
    Task<CommandResult<EventEndpointView>> Update(string endpointId, EventEndpointRequest request, string actor);

    /// <summary>Removes the endpoint, its deliveries and its log; true when it existed.</summary>
    [Alias("Delete")]
    Task<bool> Delete(string endpointId, string actor);

    /// <summary>A new secret signs from now on; the previous one signs beside it for <paramref name="overlap"/> (zero: at once no more).</summary>
    [Alias("RotateSecret")]
    Task<CommandResult<IssuedEndpointSecret>> RotateSecret(string endpointId, TimeSpan overlap, string actor);

    [ReadOnly, Alias("Deliveries")]
    Task<CommandResult<IReadOnlyList<EventDeliveryView>>> Deliveries(string endpointId, DeliveryQuery query);

    [ReadOnly, Alias("Attempts")]
    Task<CommandResult<IReadOnlyList<DeliveryAttemptView>>> Attempts(string endpointId, string eventId);

    /// <summary>Queues one event, or a time range of them, for delivery again.</summary>
    [Alias("Replay")]
    Task<CommandResult<ReplayResult>> Replay(string endpointId, ReplayRequest request, string actor);
}
