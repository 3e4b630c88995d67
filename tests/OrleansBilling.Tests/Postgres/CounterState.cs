namespace OrleansBilling.Tests.Postgres;

/// <summary>State of <see cref="CounterGrain"/>; stored as plain System.Text.Json.</summary>
[GenerateSerializer]
public sealed class CounterState
{
    /// <summary>The counter.</summary>
    [Id(0)]
    public int Value { get; set; }

    /// <summary>The grain key, stored to show what the JSON payload looks like.</summary>
    [Id(1)]
    public string? Key { get; set; }
}
