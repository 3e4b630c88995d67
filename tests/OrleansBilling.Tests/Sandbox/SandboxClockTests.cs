using OrleansBilling.Sandbox;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Sandbox;

/// <summary>The sandbox clock follows real time, jumps on Advance, and wakes what waits on it when it jumps.</summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class SandboxClockTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Starts_at_the_real_now()
    {
        var before = DateTimeOffset.UtcNow;
        var clock = new SandboxClock();
        var after = DateTimeOffset.UtcNow;

        var now = clock.GetUtcNow();

        Assert.InRange(now, before, after + TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.Zero, clock.Offset);
    }

    [Fact]
    public void Advance_moves_now_forward_by_the_amount_and_keeps_following_real_time()
    {
        var clock = new SandboxClock();

        clock.Advance(TimeSpan.FromDays(3));

        Assert.Equal(TimeSpan.FromDays(3), clock.Offset);
        var expected = DateTimeOffset.UtcNow + TimeSpan.FromDays(3);
        Assert.InRange(clock.GetUtcNow(), expected - TimeSpan.FromSeconds(5), expected + TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Timestamps_jump_with_the_clock()
    {
        var clock = new SandboxClock();
        var start = clock.GetTimestamp();

        clock.Advance(TimeSpan.FromDays(1));

        Assert.True(clock.GetElapsedTime(start) >= TimeSpan.FromDays(1));
    }

    [Fact]
    public void Moving_the_clock_backwards_is_refused()
    {
        var clock = new SandboxClock();

        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public async Task A_delay_due_in_three_sandbox_days_ends_promptly_after_advancing_three_days()
    {
        var clock = new SandboxClock();
        var delay = Task.Delay(TimeSpan.FromDays(3), clock, Ct);

        clock.Advance(TimeSpan.FromDays(3));

        await delay.WaitAsync(Generous, Ct);
    }

    [Fact]
    public async Task A_delay_ends_only_when_the_advances_add_up_to_its_due_time()
    {
        var clock = new SandboxClock();
        var delay = Task.Delay(TimeSpan.FromDays(3), clock, Ct);

        clock.Advance(TimeSpan.FromDays(2));
        var completedEarly = delay.IsCompleted;
        clock.Advance(TimeSpan.FromDays(1));

        Assert.False(completedEarly);
        await delay.WaitAsync(Generous, Ct);
    }

    [Fact]
    public async Task A_delay_due_in_fifty_milliseconds_ends_by_itself_in_real_time()
    {
        var clock = new SandboxClock();

        await Task.Delay(TimeSpan.FromMilliseconds(50), clock, Ct).WaitAsync(Generous, Ct);
    }

    [Fact]
    public async Task A_periodic_timer_ticks_again_after_each_advance_of_its_period()
    {
        var clock = new SandboxClock();
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);

        clock.Advance(TimeSpan.FromHours(1));
        Assert.True(await timer.WaitForNextTickAsync(Ct).AsTask().WaitAsync(Generous, Ct));
        clock.Advance(TimeSpan.FromHours(1));
        Assert.True(await timer.WaitForNextTickAsync(Ct).AsTask().WaitAsync(Generous, Ct));
    }

    [Fact]
    public async Task A_timer_moved_later_with_Change_waits_for_the_new_due_time()
    {
        var clock = new SandboxClock();
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timer = clock.CreateTimer(_ => fired.TrySetResult(), null, TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan);

        timer.Change(TimeSpan.FromHours(5), Timeout.InfiniteTimeSpan);
        clock.Advance(TimeSpan.FromHours(2));
        var firedEarly = fired.Task.IsCompleted;
        clock.Advance(TimeSpan.FromHours(3));

        Assert.False(firedEarly);
        await fired.Task.WaitAsync(Generous, Ct);
    }

    [Fact]
    public async Task A_timer_callback_runs_in_the_execution_context_of_its_creator()
    {
        var clock = new SandboxClock();
        var flowing = new AsyncLocal<string?> { Value = "creator" };
        var seen = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timer = clock.CreateTimer(_ => seen.TrySetResult(flowing.Value), null, TimeSpan.FromDays(1), Timeout.InfiniteTimeSpan);
        flowing.Value = "changed later";

        clock.Advance(TimeSpan.FromDays(1));

        Assert.Equal("creator", await seen.Task.WaitAsync(Generous, Ct));
    }
}
