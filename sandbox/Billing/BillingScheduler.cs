using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansBilling.Sandbox.State;
using OrleansBilling.Sandbox.Webhooks;

namespace OrleansBilling.Sandbox.Billing;

/// <summary>
/// Runs what the clock makes due (trial warnings, renewals, period-end cancellations, session expiry) in
/// time order. An advance steps the clock from one due moment to the next and delivers each step's
/// events before moving on, so the service sees time pass as it would against Stripe.
/// </summary>
internal sealed partial class BillingScheduler(
    SandboxState state,
    SubscriptionFlow subscriptions,
    CheckoutFlow checkout,
    WebhookSender webhooks,
    ILogger<BillingScheduler> logger) : IHostedService
{
    // A guard against a bug looping forever; a real run needs a handful of steps per subscription.
    private const int MostStepsPerRun = 100_000;

    private readonly SemaphoreSlim running = new(1, 1);

    public async Task<IReadOnlyList<EventRecord>> AdvanceAsync(TimeSpan by, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        await running.WaitAsync(cancellationToken);
        try
        {
            var target = state.Clock.GetUtcNow() + by;
            var caused = new List<EventRecord>();
            for (var step = 0; step < MostStepsPerRun; step++)
            {
                DateTimeOffset? next;
                lock (state.Gate)
                {
                    next = NextDue();
                }

                if (next is null || next > target)
                {
                    break;
                }

                var now = state.Clock.GetUtcNow();
                if (next > now)
                {
                    state.Clock.AdvanceQuietly(next.Value - now);
                }

                var batch = RunDue();
                caused.AddRange(batch.Events);
                await webhooks.DeliverAsync(batch.Events, cancellationToken);
            }

            var rest = target - state.Clock.GetUtcNow();
            if (rest > TimeSpan.Zero)
            {
                state.Clock.AdvanceQuietly(rest);
            }

            return caused;
        }
        finally
        {
            running.Release();
        }
    }

    /// <summary>Runs everything already due, for when the clock was moved directly with <see cref="SandboxClock.Advance"/>.</summary>
    public Task<IReadOnlyList<EventRecord>> CatchUpAsync(CancellationToken cancellationToken) => AdvanceAsync(TimeSpan.Zero, cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        state.Clock.Advanced += OnClockAdvanced;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        state.Clock.Advanced -= OnClockAdvanced;
        return Task.CompletedTask;
    }

    // Off the advancing thread: the caller of Advance may hold locks of its own, and catching up takes the state lock.
    private void OnClockAdvanced(object? sender, EventArgs e) => _ = Task.Run(CatchUpInBackgroundAsync);

    private async Task CatchUpInBackgroundAsync()
    {
        try
        {
            await CatchUpAsync(CancellationToken.None);
        }
        catch (Exception exception)
        {
            LogCatchUpFailed(logger, exception);
        }
    }

    private DateTimeOffset? NextDue()
    {
        var subscriptionDue = state.Subscriptions.Values.Select(subscriptions.NextDue).Min();
        var sessionDue = state.CheckoutSessions.Values.Where(s => s.Status == "open").Select(s => (DateTimeOffset?)s.ExpiresAt).Min();
        return (subscriptionDue, sessionDue) switch
        {
            (null, var s) => s,
            (var s, null) => s,
            var (a, b) => a < b ? a : b,
        };
    }

    /// <summary>Everything due by now, earliest first, in one batch.</summary>
    private EventBatch RunDue()
    {
        var batch = EventBatch.Automatic();
        lock (state.Gate)
        {
            for (var step = 0; step < MostStepsPerRun; step++)
            {
                var now = state.Now;
                var subscription = state.Subscriptions.Values
                    .Select(s => (Subscription: s, Due: subscriptions.NextDue(s)))
                    .Where(x => x.Due <= now)
                    .OrderBy(x => x.Due)
                    .ThenBy(x => x.Subscription.Sequence)
                    .Select(x => x.Subscription)
                    .FirstOrDefault();
                var session = state.CheckoutSessions.Values
                    .Where(s => s.Status == "open" && s.ExpiresAt <= now)
                    .OrderBy(s => s.ExpiresAt)
                    .FirstOrDefault();
                try
                {
                    if (session is not null && (subscription is null || session.ExpiresAt < subscriptions.NextDue(subscription)))
                    {
                        state.PinnedNow = session.ExpiresAt;
                        checkout.Expire(session, batch);
                    }
                    else if (subscription is not null)
                    {
                        state.PinnedNow = subscriptions.NextDue(subscription);
                        subscriptions.RunDue(subscription, batch);
                    }
                    else
                    {
                        break;
                    }
                }
                finally
                {
                    state.PinnedNow = null;
                }
            }
        }

        return batch;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The Stripe sandbox failed to run work that became due after the clock moved")]
    private static partial void LogCatchUpFailed(ILogger logger, Exception exception);
}
