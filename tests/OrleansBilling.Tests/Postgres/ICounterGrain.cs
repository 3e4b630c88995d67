namespace OrleansBilling.Tests.Postgres;

/// <summary>A test grain whose whole state is persisted in the ADO.NET storage named "billing".</summary>
[Alias("OrleansBilling.Tests.Postgres.ICounterGrain")]
public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Adds to the counter and writes the state.</summary>
    [Alias("Add")]
    Task<int> Add(int amount);

    /// <summary>The value as held by the activation.</summary>
    [Alias("GetValue")]
    Task<int> GetValue();

    /// <summary>Clears the stored state.</summary>
    [Alias("Clear")]
    Task Clear();
}
