using OrleansBilling.GrainInterfaces.Products;

namespace OrleansBilling.Grains.Products;

/// <summary>Maps one API key hash to the product it acts for.</summary>
[GrainType("apikey")]
public sealed class ApiKeyGrain(
    [PersistentState("apikey", BillingStorage.Name)] IPersistentState<ApiKeyGrainState> state) : Grain, IApiKeyGrain
{
    public Task<string?> GetProductId() => Task.FromResult(state.State.ProductId);

    public async Task<bool> Bind(string productId)
    {
        if (state.State.ProductId == productId)
        {
            return true;
        }

        if (state.State.ProductId is not null)
        {
            return false;
        }

        state.State.ProductId = productId;
        await state.WriteStateAsync();
        return true;
    }

    public async Task Revoke(string productId)
    {
        if (state.State.ProductId == productId)
        {
            state.State.ProductId = null;
            await state.WriteStateAsync();
        }
    }
}
