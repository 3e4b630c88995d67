using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansBilling.GrainInterfaces.Events;
using OrleansBilling.Grains.Scheduling;
using OrleansBilling.Grains.Telemetry;

namespace OrleansBilling.Grains.Events;

/// <summary>
/// Delivers one endpoint's events. A pass sends what is due (the oldest pending event of each customer, up to
/// <see cref="EventDeliveryOptions.Concurrency"/> at once), records each attempt, and repeats until nothing is due; what
/// failed is due again after <see cref="DeliverySchedule"/>'s pause. The grain's <see cref="WakeUp"/> brings it back for
/// the next retry, on any silo after a crash: the store, not the activation, holds what is pending. Each endpoint has its own
/// grain, so a slow or failing one delays no other, and nothing here waits on a subscription.
/// </summary>
[GrainType("event-delivery")]
public sealed partial class EventDeliveryGrain(
    IProductEventStore store,
    EventSender sender,
    IOptions<EventDeliveryOptions> options,
    BillingMetrics metrics,
    TimeProvider clock,
    ILogger<EventDeliveryGrain> logger) : Grain, IEventDeliveryGrain, IRemindable
{
    /// <summary>How many of one customer's events a round sends, one after another.</summary>
    private const int PerCustomer = 10;

    /// <summary>A pass yields after this long (real time), so a long backlog does not hold one grain call for minutes; the timer resumes it.</summary>
    private static readonly TimeSpan PassLength = TimeSpan.FromSeconds(20);

    private string productId = "";
    private string endpointId = "";
    private WakeUp wake = null!;
    private DateTimeOffset? nextDue;

    /// <summary>The passes under way, one after another while something asked for another; null when none runs.</summary>
    private Task<int>? passes;

    /// <summary>Something asked for a pass since the running one began: another follows it.</summary>
    private bool kicked;

    /// <summary>The endpoint as last read, and when (real time): read again at most every <see cref="EndpointFresh"/>.</summary>
    private (EventEndpoint? Endpoint, long ReadAt) known;

    /// <summary>Admins' changes told to this activation: a read under way during one is not kept.</summary>
    private long changes;

    /// <summary>How long an endpoint read is used: an admin's change (disabled, a new secret) is seen within it.</summary>
    private static readonly TimeSpan EndpointFresh = TimeSpan.FromSeconds(1);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (productId, endpointId) = EventKeys.ParseDelivery(this.GetPrimaryKeyString());
        wake = new WakeUp(this, clock, () => nextDue, Kick, logger);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (passes is { } running)
        {
            await running.WaitAsync(cancellationToken);
        }

        wake.Dispose();
    }

    public Task Nudge()
    {
        // Interleaved and not awaited: a nudge never waits behind a pass, and many become one more pass.
        _ = Kick(gather: true);
        return Task.CompletedTask;
    }

    public Task EndpointChanged()
    {
        changes++;
        known = default;
        _ = Kick();
        return Task.CompletedTask;
    }

    public Task<int> DeliverDue() => Kick();

    public Task CatchUp() => Kick();

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        wake.ReminderTicked();
        await Kick();
    }

    /// <summary>Asks for a pass: starts the passes when none runs, else makes the running ones do one more; answers their attempts.</summary>
    private Task<int> Kick() => Kick(gather: false);

    private Task<int> Kick(bool gather)
    {
        kicked = true;
        return passes ??= Passes(gather ? options.Value.GatherFor : TimeSpan.Zero);
    }

    private async Task<int> Passes(TimeSpan gather)
    {
        // Never completes before it is stored as the running passes; a nudge lets what more is coming gather first.
        if (gather > TimeSpan.Zero)
        {
            await Task.Delay(gather);
        }
        else
        {
            await Task.Yield();
        }
        var attempts = 0;
        try
        {
            while (kicked)
            {
                kicked = false;
                attempts += await Pass();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The store is out of reach: the wake-up, a reminder or the sweep brings the grain back.
            LogPassFailed(ex, productId, endpointId);
        }
        finally
        {
            passes = null;
        }

        return attempts;
    }

    private async Task<EventEndpoint?> Endpoint(bool fresh = false)
    {
        if (fresh || known.ReadAt == 0 || Stopwatch.GetElapsedTime(known.ReadAt) >= EndpointFresh)
        {
            var generation = changes;
            var read = await store.EndpointAsync(productId, endpointId, CancellationToken.None);

            // A read that began before an admin's change is used once, not kept.
            known = (read, generation == changes ? Stopwatch.GetTimestamp() : 0);
            return read;
        }

        return known.Endpoint;
    }

    private async Task<int> Pass()
    {
        var endpoint = await Endpoint();
        var attempts = 0;
        var started = Stopwatch.GetTimestamp();
        while (endpoint is { Enabled: true } && Stopwatch.GetElapsedTime(started) < PassLength)
        {
            var now = clock.GetUtcNow();
            var concurrency = options.Value.Concurrency;
            var due = await store.DueAsync(productId, endpointId, now, concurrency * PerCustomer, CancellationToken.None, PerCustomer);
            var waiting = due.GroupBy(d => d.CustomerId, StringComparer.Ordinal).ToList();
            var customers = waiting.Take(concurrency).ToList();
            if (customers.Count == 0)
            {
                break;
            }

            // This round takes all that is due: no row was cut off by the limit, no customer left for the next round, and no
            // customer's events cut at PerCustomer. Then another round would find nothing (what is appended or replayed
            // meanwhile asks for another pass), and the pass ends without asking: one statement fewer a pass. Were anything
            // due left behind, the next due time read below is now, and the wake-up's timer starts another pass at once.
            var takesAll = due.Count < concurrency * PerCustomer && waiting.Count <= concurrency && waiting.All(c => c.Count() < PerCustomer);

            // Customers at once; each one's events one after another, stopping at the first that fails (the rest wait behind it).
            var sent = await sender.SendInOrderAsync(endpoint.Url, customers, endpoint.SigningSecrets(now), CancellationToken.None);
            var recordedAt = clock.GetUtcNow();
            var outcomes = sent.Select(s =>
            {
                // A delivery's retry window begins at its first attempt: events queued behind a customer's failing one get theirs.
                var window = s.Delivery.Attempts == 0 ? now : s.Delivery.WindowStart;
                return new DeliveryOutcome(
                    s.Delivery.Seq, s.Delivery.Attempts + 1, now, s.Result.StatusCode, s.Result.LatencyMs, s.Result.Delivered, s.Result.Error,
                    s.Result.Delivered ? null : DeliverySchedule.NextAttempt(window, recordedAt, options.Value, Random.Shared.NextDouble()),
                    s.Delivery.WindowStart, window);
            }).ToList();
            await store.RecordAsync(productId, endpointId, outcomes, CancellationToken.None);
            attempts += outcomes.Count;
            metrics.EventsSent(productId, outcomes.Count(o => o.Delivered), outcomes.Count(o => !o.Delivered && o.NextAttemptAt is not null), outcomes.Count(o => !o.Delivered && o.NextAttemptAt is null));

            var givenUp = outcomes.Where(o => !o.Delivered && o.NextAttemptAt is null).ToList();
            endpoint = await Endpoint(fresh: givenUp.Count > 0);
            if (givenUp.Count > 0 && endpoint is { Enabled: true } && !(endpoint.LastDeliveredAt >= givenUp.Min(o => o.WindowStart)))
            {
                // Nothing reached it for a whole retry window: it is disabled, and shown so in the console, until an admin enables it.
                // Only that field changes (an admin's removal or rotation meanwhile stands).
                var reason = $"Every delivery failed for {options.Value.RetryFor.TotalHours:0.#} hours (last: {givenUp[^1].Error}).";
                if (await store.DisableAsync(productId, endpointId, recordedAt, reason, CancellationToken.None))
                {
                    LogDisabled(productId, endpointId, reason);
                }

                endpoint = await Endpoint(fresh: true);
            }

            if (takesAll)
            {
                break;
            }
        }

        nextDue = endpoint is { Enabled: true } ? await store.NextDueAsync(productId, endpointId, CancellationToken.None) : null;
        await wake.ArmAsync();
        return attempts;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivering the events of endpoint {Product}/{Endpoint} failed; its wake-up or the sweep tries again")]
    private partial void LogPassFailed(Exception exception, string product, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event endpoint {Product}/{Endpoint} disabled: {Reason}")]
    private partial void LogDisabled(string product, string endpoint, string reason);
}
