using Microsoft.Extensions.Logging;

namespace OrleansBilling.Grains.Scheduling;

/// <summary>
/// A grain's one wake-up: a single durable reminder due at the earliest thing the grain must do by
/// itself (a dunning step, an override's expiry, an effect's retry, usage to forward), plus one timer
/// of the activation for the same moment. The reminder survives silos and restarts; the timer wakes the
/// grain on time while it is active (also when a test's or the sandbox's clock jumps). Both are capped
/// below what Orleans accepts (about 49.7 days) and re-armed when they fire early.
/// </summary>
/// <remarks>
/// <para>
/// The reminder ticks every minute once due, until re-armed or removed, so a deadline that fell due
/// while the cluster was down is met within a minute of its return. It is written only when the
/// deadline moves earlier than the armed one, or on a tick, so a grain that keeps working (usage
/// arriving) costs no reminder write per call. After an activation the armed reminder is unknown: a
/// deadline re-registers it once, and a stale one that finds nothing to do removes itself on its tick.
/// </para>
/// <para>
/// A grain whose deadlines come and go every few seconds (usage to forward) gives the reminder a
/// <c>reminderSlack</c>: the timer meets each deadline while the activation lives, so the reminder only
/// stands in for an activation that is gone, and one that ticks within the slack of a new deadline is
/// kept rather than written again. It is registered for the deadline itself (a crash costs no delay),
/// ticks every minute once due, and is removed once a whole period went by without a deadline. A grain
/// busy for an hour then writes its reminder once, instead of registering and removing it on every deadline.
/// </para>
/// </remarks>
/// <param name="grain">The grain woken.</param>
/// <param name="clock">The billing clock.</param>
/// <param name="deadline">The earliest thing the grain must do by itself, read when arming; null when nothing is pending.</param>
/// <param name="onWake">What the grain does when woken; it arms the wake-up again for what is left.</param>
/// <param name="logger">Where arming failures go.</param>
/// <param name="interleave">Whether the timer's work may interleave with the grain's calls (work that guards itself).</param>
/// <param name="reminderSlack">How long after a deadline the reminder may tick (see remarks); zero for on time.</param>
public sealed partial class WakeUp(Grain grain, TimeProvider clock, Func<DateTimeOffset?> deadline, Func<Task> onWake, ILogger logger, bool interleave = false, TimeSpan reminderSlack = default) : IDisposable
{
    public const string ReminderName = "wake";

    /// <summary>Orleans' shortest reminder period: how often a due reminder keeps waking the grain.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    /// <summary>The longest a reminder or a timer is armed for; a later deadline is re-armed when it fires.</summary>
    public static readonly TimeSpan LongestWait = TimeSpan.FromDays(30);

    /// <summary>After a failure to write the reminder, the timer tries again this soon.</summary>
    private static readonly TimeSpan RetryArming = TimeSpan.FromSeconds(30);

    /// <summary>Arming runs one at a time, so interleaved work never acts on a deadline another has moved meanwhile.</summary>
    private readonly SemaphoreSlim arming = new(1, 1);
    private IGrainTimer? timer;
    private DateTimeOffset? timerDue;

    /// <summary>When the reminder as registered first ticks; null when none is; unknown (not <see cref="reminderKnown"/>) after activation.</summary>
    private DateTimeOffset? reminderDue;
    private bool reminderKnown;

    /// <summary>When a deadline was last armed: with slack, the reminder is removed only once a whole period went by without one.</summary>
    private DateTimeOffset lastDeadlineArmed;

    /// <summary>Arms the wake-up for the grain's deadline as it is now; removes it when nothing is pending.</summary>
    public async Task ArmAsync()
    {
        await arming.WaitAsync();
        try
        {
            var now = clock.GetUtcNow();
            DateTimeOffset? next = null;
            try
            {
                next = deadline();
                await ArmReminder(next, now);
                ArmTimer(next, now);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // What the grain decided is already persisted: arming is retried by the timer rather than failing the call.
                reminderKnown = false;
                LogArmingFailed(ex, grain.GetGrainId().ToString());
                ArmTimer(next is { } at && at - now < RetryArming ? at : now + RetryArming, now);
            }
        }
        finally
        {
            arming.Release();
        }
    }

    /// <summary>Arms only the timer, after an activation: the reminder armed by an earlier one still stands.</summary>
    public void Resume() => ArmTimer(deadline(), clock.GetUtcNow());

    public void Dispose()
    {
        timer?.Dispose();
        arming.Dispose();
    }

    /// <summary>The reminder ticked: it exists and is due now.</summary>
    public void ReminderTicked()
    {
        reminderKnown = true;
        reminderDue = clock.GetUtcNow();
    }

    private async Task ArmReminder(DateTimeOffset? deadline, DateTimeOffset now)
    {
        if (deadline is not { } at)
        {
            // With slack, a reminder is left to tick while the grain is busy: the next deadline may well come before it.
            if (reminderKnown && reminderDue is { } armed && (reminderSlack == TimeSpan.Zero || (armed <= now && now - lastDeadlineArmed >= Period)))
            {
                if (await grain.GetReminder(ReminderName) is { } reminder)
                {
                    await grain.UnregisterReminder(reminder);
                }

                reminderDue = null;
            }

            return;
        }

        lastDeadlineArmed = now;

        // An armed reminder that ticks by the deadline (and its slack), and not needlessly long before it, is kept.
        if (reminderKnown && reminderDue is { } due && due <= at + reminderSlack && at <= Max(due, now) + Period)
        {
            return;
        }

        var dueIn = Clamp(at - now);
        await grain.RegisterOrUpdateReminder(ReminderName, dueIn, Period);
        reminderDue = now + dueIn;
        reminderKnown = true;
    }

    private void ArmTimer(DateTimeOffset? deadline, DateTimeOffset now)
    {
        if (deadline == timerDue && timer is not null)
        {
            return;
        }

        timer?.Dispose();
        timer = null;
        timerDue = deadline;
        if (deadline is { } at)
        {
            timer = grain.RegisterGrainTimer(
                async () =>
                {
                    timer = null;
                    timerDue = null;
                    await onWake();
                },
                new GrainTimerCreationOptions { DueTime = Clamp(at - now), Period = Timeout.InfiniteTimeSpan, Interleave = interleave });
        }
    }

    private static TimeSpan Clamp(TimeSpan dueIn) =>
        dueIn < TimeSpan.Zero ? TimeSpan.Zero : dueIn > LongestWait ? LongestWait : dueIn;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The wake-up of {Grain} could not be armed; the timer tries again")]
    private partial void LogArmingFailed(Exception exception, string grain);
}
