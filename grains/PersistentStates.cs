namespace OrleansBilling.Grains;

/// <summary>Writing a grain's state so that what was not stored did not happen.</summary>
public static class PersistentStates
{
    /// <summary>
    /// Writes the state; should the write fail, memory goes back to what storage holds before the failure
    /// reaches the caller, so a repeat of the call starts from what is stored, not from a change that was not.
    /// </summary>
    public static async Task WriteOrReadBackAsync<T>(this IPersistentState<T> state)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await state.ReadStateAsync();
            throw;
        }
    }
}
