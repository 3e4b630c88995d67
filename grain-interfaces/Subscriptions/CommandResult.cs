namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>The answer to a command: a value or a refusal, and whether it replays an earlier answer.</summary>
[GenerateSerializer, Immutable, Alias("billing.CommandResult`1")]
public sealed record CommandResult<T>(
    [property: Id(0)] T? Value,
    [property: Id(1)] CommandError? Error,
    [property: Id(2)] bool Replayed = false)
    where T : class
{
    public bool Succeeded => Error is null;

    public static CommandResult<T> Success(T value) => new(value, null);

    public static CommandResult<T> Failure(CommandError error) => new(null, error);
}
