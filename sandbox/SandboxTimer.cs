namespace OrleansBilling.Sandbox;

/// <summary>
/// A timer due at a sandbox time. A real timer wakes it when real time reaches that moment, and the clock
/// re-evaluates it on every advance, so it fires at whichever comes first.
/// </summary>
internal sealed class SandboxTimer : ITimer
{
    // System timers refuse waits beyond about 49 days; a later due time is reached in several hops.
    private static readonly TimeSpan LongestRealWait = TimeSpan.FromDays(30);

    private readonly SandboxClock clock;
    private readonly TimerCallback callback;
    private readonly object? state;
    private readonly ExecutionContext? context;
    private readonly ITimer realTimer;
    private readonly Lock gate = new();
    private DateTimeOffset? due;
    private TimeSpan period = Timeout.InfiniteTimeSpan;
    private bool disposed;

    public SandboxTimer(SandboxClock clock, TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        this.clock = clock;
        this.callback = callback;
        this.state = state;

        // Like System.Threading.Timer, the callback runs in the creator's execution context; the real
        // timer must not capture it a second time.
        context = ExecutionContext.Capture();
        realTimer = CreateRealTimer();
        Change(dueTime, period);
    }

    private bool IsPeriodic => period != Timeout.InfiniteTimeSpan && period > TimeSpan.Zero;

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        ThrowIfInvalid(dueTime, nameof(dueTime));
        ThrowIfInvalid(period, nameof(period));
        lock (gate)
        {
            if (disposed)
            {
                return false;
            }

            this.period = period;
            due = dueTime == Timeout.InfiniteTimeSpan ? null : clock.GetUtcNow() + dueTime;
        }

        Evaluate();
        return true;
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            due = null;
        }

        realTimer.Dispose();
        clock.Untrack(this);
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Fires when due and re-arms the real timer for what is left.</summary>
    internal void Evaluate()
    {
        var fire = false;
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            var now = clock.GetUtcNow();
            if (due is { } dueAt && dueAt <= now)
            {
                fire = true;

                // One callback for a jump over many periods, as a real timer skips ticks it missed.
                due = IsPeriodic ? now + period : null;
            }

            if (due is { } next)
            {
                clock.Track(this);
                var wait = next - now;
                realTimer.Change(wait < LongestRealWait ? wait : LongestRealWait, Timeout.InfiniteTimeSpan);
            }
            else
            {
                clock.Untrack(this);
                realTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }

        if (fire)
        {
            // Never run the callback on the thread that advanced the clock: it may hold locks of its own.
            ThreadPool.UnsafeQueueUserWorkItem(static timer => timer.Invoke(), this, preferLocal: false);
        }
    }

    private static void ThrowIfInvalid(TimeSpan value, string name)
    {
        if (value != Timeout.InfiniteTimeSpan && value < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be zero or more, or Timeout.InfiniteTimeSpan.");
        }
    }

    private ITimer CreateRealTimer()
    {
        if (ExecutionContext.IsFlowSuppressed())
        {
            return clock.Real.CreateTimer(static self => ((SandboxTimer)self!).Evaluate(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        using (ExecutionContext.SuppressFlow())
        {
            return clock.Real.CreateTimer(static self => ((SandboxTimer)self!).Evaluate(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private void Invoke()
    {
        if (context is null)
        {
            callback(state);
            return;
        }

        ExecutionContext.Run(context, static self => ((SandboxTimer)self!).callback(((SandboxTimer)self!).state), this);
    }
}
