namespace OrleansBilling.Sandbox;

/// <summary>
/// The sandbox's movable clock: real UTC time plus an offset that only grows. Between advances it follows
/// real time; <see cref="Advance"/> jumps forward and wakes every timer made by <see cref="CreateTimer"/>
/// that the jump made due, so a <c>Task.Delay(…, clock)</c> (how Orleans waits for reminders and timers)
/// ends at once instead of sleeping for the jumped-over real time.
/// </summary>
public sealed class SandboxClock : TimeProvider
{
    private readonly Lock gate = new();
    private readonly HashSet<SandboxTimer> waiting = [];
    private TimeSpan offset;

    /// <summary>Creates a clock that starts at the real UTC now.</summary>
    public SandboxClock()
        : this(TimeProvider.System)
    {
    }

    internal SandboxClock(TimeProvider real)
    {
        Real = real;
    }

    /// <summary>How far the clock is ahead of real time.</summary>
    public TimeSpan Offset
    {
        get
        {
            lock (gate)
            {
                return offset;
            }
        }
    }

    /// <inheritdoc />
    public override long TimestampFrequency => Real.TimestampFrequency;

    internal TimeProvider Real { get; }

    /// <summary>Raised after a public <see cref="Advance"/> so the sandbox can run what became due.</summary>
    internal event EventHandler? Advanced;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => Real.GetUtcNow() + Offset;

    /// <summary>Timestamps jump with the clock so elapsed times measured on it agree with <see cref="GetUtcNow"/>.</summary>
    public override long GetTimestamp() =>
        Real.GetTimestamp() + (long)((Int128)Offset.Ticks * TimestampFrequency / TimeSpan.TicksPerSecond);

    /// <summary>Moves the clock forward and fires every timer that is now due.</summary>
    public void Advance(TimeSpan by)
    {
        AdvanceQuietly(by);
        Advanced?.Invoke(this, EventArgs.Empty);
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return new SandboxTimer(this, callback, state, dueTime, period);
    }

    /// <summary>Advances without telling the sandbox's scheduler, which uses it to step through due work itself.</summary>
    internal void AdvanceQuietly(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        SandboxTimer[] toCheck;
        lock (gate)
        {
            offset += by;
            toCheck = [.. waiting];
        }

        foreach (var timer in toCheck)
        {
            timer.Evaluate();
        }
    }

    internal void Track(SandboxTimer timer)
    {
        lock (gate)
        {
            waiting.Add(timer);
        }
    }

    internal void Untrack(SandboxTimer timer)
    {
        lock (gate)
        {
            waiting.Remove(timer);
        }
    }
}
