using Orleans.Concurrency;

namespace OrleansBilling.GrainInterfaces.Events;

/// <summary>
/// Sends one endpoint's events, keyed <see cref="EventKeys.Delivery"/>: what is due, oldest first and in order per
/// customer, then again after growing pauses; it wakes by itself (a durable reminder) for the next retry.
/// </summary>
[Alias("billing.IEventDeliveryGrain")]
public interface IEventDeliveryGrain : IWakeable
{
    /// <summary>
    /// New events wait for the endpoint: deliver what is due. Returns at once; nudges that come while a pass runs make one
    /// more pass, not one each.
    /// </summary>
    [OneWay, AlwaysInterleave, Alias("Nudge")]
    Task Nudge();

    /// <summary>An admin changed the endpoint (enabled, disabled, a new secret, a replay): it is read again, and what is due sent.</summary>
    [OneWay, AlwaysInterleave, Alias("EndpointChanged")]
    Task EndpointChanged();

    /// <summary>Delivers what is due now and answers how many attempts it made (for tests and benchmarks).</summary>
    [Alias("DeliverDue")]
    Task<int> DeliverDue();
}
