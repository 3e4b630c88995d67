using OrleansBilling.GrainInterfaces;
using OrleansBilling.Grains.Scheduling;

namespace OrleansBilling.Silo.Hosting;

/// <summary>
/// When a silo becomes active, every grain whose wake-up fell due while no silo ran it (a dunning step,
/// an effect's retry, usage to forward) is caught up at once, instead of at its reminder's next tick:
/// Orleans skips missed ticks and computes the next one from the reminder's first, so after an outage a
/// due reminder fires up to a whole period (<see cref="WakeUp.Period"/>) after the reminder service has
/// read it. The reminder table is read in slices of the ring, and grains are caught up a few at a time;
/// a grain that has nothing due does nothing, so two silos starting together do no harm.
/// </summary>
public sealed partial class OverdueWakeUps(IReminderTable reminders, IGrainFactory grains, TimeProvider clock, ILogger<OverdueWakeUps> logger)
    : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    /// <summary>How many slices of the ring the table is read in, so no read holds every reminder at once.</summary>
    public const int Slices = 64;

    /// <summary>How many grains are caught up at the same time.</summary>
    private const int Concurrency = 16;

    private readonly CancellationTokenSource stopping = new();
    private Task sweep = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(OverdueWakeUps), ServiceLifecycleStage.Active, OnStart, OnStop);

    /// <summary>Catches up every grain whose wake-up was due at the start; returns how many were called.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var startedAt = clock.GetUtcNow();
        var woken = 0;
        var failed = 0;
        for (var slice = 0; slice < Slices; slice++)
        {
            var (begin, end) = Range(slice);
            if (await ReadSliceAsync(slice, begin, end) is not { } data)
            {
                failed++;
                continue;
            }

            var due = data.Reminders
                .Where(r => r.ReminderName == WakeUp.ReminderName && new DateTimeOffset(r.StartAt, TimeSpan.Zero) <= startedAt)
                .Select(r => r.GrainId)
                .ToList();
            await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken }, async (grain, _) =>
            {
                try
                {
                    await grains.GetGrain(grain).AsReference<IWakeable>().CatchUp();
                    Interlocked.Increment(ref woken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Its reminder still stands and wakes it within a period.
                    Interlocked.Increment(ref failed);
                    LogCatchUpFailed(grain.ToString(), ex.GetType().Name, ex.Message);
                }
            });
        }

        LogSwept(woken, failed, startedAt);
        return woken;
    }

    public void Dispose() => stopping.Dispose();

    /// <summary>One slice of the reminder table, tried twice; null when it could not be read (its grains wait for their reminders).</summary>
    private async Task<ReminderTableData?> ReadSliceAsync(int slice, uint begin, uint end)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await reminders.ReadRows(begin, end);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                if (attempt == 2)
                {
                    LogSliceFailed(slice, ex.GetType().Name, ex.Message);
                    return null;
                }
            }
        }
    }

    /// <summary>
    /// The slice's range of grain hashes as the reminder table reads it (above <c>begin</c>, up to and
    /// including <c>end</c>; a <c>begin</c> above <c>end</c> wraps): the first slice starts at 0.
    /// </summary>
    public static (uint Begin, uint End) Range(int slice)
    {
        const ulong width = (1UL << 32) / Slices;
        var first = (ulong)slice * width;
        return ((uint)(first == 0 ? uint.MaxValue : first - 1), (uint)(first + width - 1));
    }

    private Task OnStart(CancellationToken cancellationToken)
    {
        // In the background: a silo with many overdue grains must not be held from serving.
        sweep = Task.Run(async () =>
        {
            try
            {
                await SweepAsync(stopping.Token);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                LogSweepFailed(ex);
            }
        });
        return Task.CompletedTask;
    }

    private async Task OnStop(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        await sweep.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Caught up {Woken} grains whose wake-up was due at start ({Failed} grains or slices failed and wait for their reminders); due by {StartedAt:O}")]
    private partial void LogSwept(int woken, int failed, DateTimeOffset startedAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Catching up {Grain} at start failed ({Error}: {Reason}); its reminder wakes it")]
    private partial void LogCatchUpFailed(string grain, string error, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slice {Slice} of the reminder table could not be read at start ({Error}: {Reason}); its grains wait for their reminders")]
    private partial void LogSliceFailed(int slice, string error, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The start-up sweep of overdue wake-ups failed; reminders wake those grains within a period")]
    private partial void LogSweepFailed(Exception exception);
}
