using OrleansBilling.GrainInterfaces.Events;
using OrleansBilling.Grains.Effects;

namespace OrleansBilling.Grains.Events;

/// <summary>Stores a change's events and their deliveries (idempotent by event id), then tells each endpoint's delivery grain.</summary>
public sealed class PublishProductEventsExecutor(IProductEventStore store, IGrainFactory grains, TimeProvider clock) : EffectExecutor<Effect.PublishProductEvents>
{
    protected override async Task<EffectResult> ExecuteAsync(Effect.PublishProductEvents publish, CancellationToken cancellationToken)
    {
        var endpoints = await store.AppendAsync(publish.Events, clock.GetUtcNow(), cancellationToken);
        var productId = publish.Events[0].ProductId;
        foreach (var endpoint in endpoints)
        {
            // One-way: the subscription never waits for a delivery. Were the nudge lost, the endpoint's wake-up finds the events.
            await grains.GetGrain<IEventDeliveryGrain>(EventKeys.Delivery(productId, endpoint)).Nudge();
        }

        return EffectResult.Done;
    }
}
