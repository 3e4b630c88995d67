using Orleans.Storage;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// Grain storage that can be told to fail the next write of a state, as a database timing out would, or every read, as a
/// database out of reach does, or to hold the next write of a state until released, as a slow database would.
/// </summary>
public sealed class FaultyGrainStorage
{
    private string? failNextWriteOf;
    private readonly NextHold holds = new();
    private Exception? writeFailure;
    private Exception? readFailure;

    /// <summary>Every read throws <paramref name="failure"/> until this is called with null.</summary>
    public void FailReadsWith(Exception? failure) => Volatile.Write(ref readFailure, failure);

    /// <summary>
    /// The next write of the state named <paramref name="stateName"/> throws (a timeout, or <paramref name="failure"/>) and
    /// stores nothing.
    /// </summary>
    public void FailNextWriteOf(string stateName, Exception? failure = null)
    {
        Volatile.Write(ref writeFailure, failure);
        Volatile.Write(ref failNextWriteOf, stateName);
    }

    /// <summary>
    /// The next write of the state named <paramref name="stateName"/> waits, before it stores anything, until the task
    /// returned is completed; <paramref name="held"/> completes once it waits.
    /// </summary>
    public TaskCompletionSource HoldNextWriteOf(string stateName, out Task held) => holds.Arm(stateName, out held);

    public IGrainStorage Wrap(IGrainStorage inner) => new Wrapped(inner, this);

    /// <summary>True, once, for the write that is to fail.</summary>
    private bool TakeFailure(string stateName)
    {
        var armed = Volatile.Read(ref failNextWriteOf);
        return armed == stateName && Interlocked.CompareExchange(ref failNextWriteOf, null, armed) == armed;
    }

    private sealed class Wrapped(IGrainStorage inner, FaultyGrainStorage faults) : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            Volatile.Read(ref faults.readFailure) is { } failure ? throw failure : inner.ReadStateAsync(stateName, grainId, grainState);

        public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            await faults.holds.PassAsync(stateName);
            if (faults.TakeFailure(stateName))
            {
                throw Volatile.Read(ref faults.writeFailure) ?? new TimeoutException($"Injected storage timeout writing {stateName}.");
            }

            await inner.WriteStateAsync(stateName, grainId, grainState);
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
    }
}
