using OrleansBilling.GrainInterfaces.Events;
using OrleansBilling.Grains.Events;

namespace OrleansBilling.Silo.Hosting;

/// <summary>
/// The safety net under the nudges: a change's events are stored, then their endpoints' delivery grains are told one-way.
/// Should that message be lost with a silo, or an endpoint's wake-up not be armed yet, the deliveries wait in the store; every
/// silo looks for due ones every <see cref="EventDeliveryOptions.SweepEvery"/> and nudges their grains (a nudge to a grain with
/// nothing due costs one query).
/// </summary>
public sealed partial class EventDeliverySweep(
    IProductEventStore store,
    IGrainFactory grains,
    Microsoft.Extensions.Options.IOptions<EventDeliveryOptions> options,
    TimeProvider clock,
    ILogger<EventDeliverySweep> logger) : BackgroundService
{
    /// <summary>Deliveries due this long are left to their grain's own wake-up first.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.SweepEvery <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.SweepEvery, TimeProvider.System);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                foreach (var (product, endpoint) in await store.DueEndpointsAsync(clock.GetUtcNow() - Grace, stoppingToken))
                {
                    await grains.GetGrain<IEventDeliveryGrain>(EventKeys.Delivery(product, endpoint)).Nudge();
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database or the cluster is not there yet (or any more): the next tick tries again.
                LogSweepFailed(ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The sweep for due event deliveries failed; it runs again at its next tick")]
    private partial void LogSweepFailed(Exception exception);
}
