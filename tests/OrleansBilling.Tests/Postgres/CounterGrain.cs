namespace OrleansBilling.Tests.Postgres;

/// <summary>Counter persisted under its own state name, as every grain class of this project must be.</summary>
[GrainType(GrainTypeName)]
public sealed class CounterGrain(
    [PersistentState(CounterGrain.StateName, PostgresSiloConfiguration.StorageName)] IPersistentState<CounterState> state)
    : Grain, ICounterGrain
{
    /// <summary>The pinned grain type.</summary>
    public const string GrainTypeName = "t-counter";

    /// <summary>The state name: the storage row identity (GrainTypeString), distinct from every other grain's.</summary>
    public const string StateName = "t-counter-state";

    /// <inheritdoc />
    public async Task<int> Add(int amount)
    {
        state.State.Value += amount;
        state.State.Key = this.GetPrimaryKeyString();
        await state.WriteStateAsync();
        return state.State.Value;
    }

    /// <inheritdoc />
    public Task<int> GetValue() => Task.FromResult(state.State.Value);

    /// <inheritdoc />
    public Task Clear() => state.ClearStateAsync();
}
