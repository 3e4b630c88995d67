namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// A wait armed for the next operation of a name (a state's write, a grain method's call): that operation says when it
/// waits, and goes on only once released. One at a time; arming again replaces what was armed.
/// </summary>
public sealed class NextHold
{
    private Armed? armed;

    private sealed record Armed(string Name, TaskCompletionSource Waiting, TaskCompletionSource Release);

    /// <summary>Holds the next operation named <paramref name="name"/>; <paramref name="waiting"/> completes once it waits.</summary>
    /// <returns>What releases it.</returns>
    public TaskCompletionSource Arm(string name, out Task waiting)
    {
        var hold = new Armed(name, new(TaskCreationOptions.RunContinuationsAsynchronously), new(TaskCreationOptions.RunContinuationsAsynchronously));
        Interlocked.Exchange(ref armed, hold);
        waiting = hold.Waiting.Task;
        return hold.Release;
    }

    /// <summary>Called by the operation named <paramref name="name"/>: waits here if it is the one held.</summary>
    public async Task PassAsync(string name)
    {
        if (Volatile.Read(ref armed) is { } hold && hold.Name == name && Interlocked.CompareExchange(ref armed, null, hold) == hold)
        {
            hold.Waiting.SetResult();
            await hold.Release.Task;
        }
    }
}
