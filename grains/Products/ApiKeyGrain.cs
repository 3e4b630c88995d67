using OrleansBilling.GrainInterfaces.Products;

namespace OrleansBilling.Grains.Products;

/// <summary>Maps one API key hash to the product it acts for, until it expires or is revoked.</summary>
[GrainType("apikey")]
public sealed class ApiKeyGrain(
    [PersistentState("apikey", BillingStorage.Name)] IPersistentState<ApiKeyGrainState> state,
    TimeProvider clock) : Grain, IApiKeyGrain
{
    public Task<string?> GetProductId() =>
        Task.FromResult(state.State.ExpiresAt is { } expires && expires <= clock.GetUtcNow() ? null : state.State.ProductId);

    public async Task<bool> Bind(string productId, DateTimeOffset? expiresAt)
    {
        if (state.State.ProductId is { } bound && bound != productId)
        {
            return false;
        }

        if (state.State.ProductId != productId || state.State.ExpiresAt != expiresAt)
        {
            state.State.ProductId = productId;
            state.State.ExpiresAt = expiresAt;
            await state.WriteStateAsync();
        }

        return true;
    }

    public async Task Revoke(string productId)
    {
        if (state.State.ProductId == productId)
        {
            state.State.ProductId = null;
            state.State.ExpiresAt = null;
            await state.WriteStateAsync();
        }
    }
}
