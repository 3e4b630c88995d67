using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Products;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Lifecycle;

namespace OrleansBilling.Grains.Products;

/// <summary>Holds a product's definition and the hashes of its API keys.</summary>
[GrainType("product")]
public sealed class ProductGrain(
    [PersistentState("product", BillingStorage.Name)] IPersistentState<ProductGrainState> state,
    IGrainFactory grains) : Grain, IProductGrain
{
    private string ProductId => this.GetPrimaryKeyString()["product/".Length..];

    public async Task<IReadOnlyList<string>> Configure(ProductDefinition definition)
    {
        var problems = definition.Problems().ToList();
        if (definition.ProductId != ProductId)
        {
            problems.Add($"The definition is for product '{definition.ProductId}', not '{ProductId}'.");
        }

        if (problems.Count > 0)
        {
            return problems;
        }

        if (state.State.Definition != definition)
        {
            state.State.Definition = definition;
            await state.WriteStateAsync();
        }

        return [];
    }

    public async Task<IReadOnlyList<string>> SetDunningPolicy(DunningPolicy policy)
    {
        if (state.State.Definition is not { } definition)
        {
            return [$"Product '{ProductId}' is not configured."];
        }

        if (policy.Problems() is { Count: > 0 } problems)
        {
            return problems;
        }

        state.State.Definition = definition with { Dunning = policy };
        await state.WriteStateAsync();
        return [];
    }

    public Task<IReadOnlyList<DunningStepView>> PreviewDunning(DateTimeOffset start) =>
        Task.FromResult(state.State.Definition is { } definition
            ? DunningEpisode.Timeline(definition.Dunning ?? DunningPolicy.Default, start)
            : (IReadOnlyList<DunningStepView>)[]);

    public Task<ProductDefinition?> GetDefinition() => Task.FromResult(state.State.Definition);

    public async Task AddApiKey(string apiKeyHash)
    {
        // The index first: a key that cannot be bound (it belongs to another product) is never listed here.
        if (!await grains.GetGrain<IApiKeyGrain>(BillingIds.ApiKeyKey(apiKeyHash)).Bind(ProductId))
        {
            throw new InvalidOperationException("That API key already belongs to another product.");
        }

        if (!state.State.ApiKeyHashes.Contains(apiKeyHash))
        {
            state.State.ApiKeyHashes.Add(apiKeyHash);
            await state.WriteStateAsync();
        }
    }

    public async Task RevokeApiKey(string apiKeyHash)
    {
        await grains.GetGrain<IApiKeyGrain>(BillingIds.ApiKeyKey(apiKeyHash)).Revoke(ProductId);
        if (state.State.ApiKeyHashes.Remove(apiKeyHash))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<int> CountApiKeys() => Task.FromResult(state.State.ApiKeyHashes.Count);
}
