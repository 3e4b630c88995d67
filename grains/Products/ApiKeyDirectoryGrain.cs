using OrleansBilling.GrainInterfaces.Products;

namespace OrleansBilling.Grains.Products;

/// <summary>Every product API key's binding, persisted as one record; its version grows with every change.</summary>
[GrainType("apikey-directory")]
public sealed class ApiKeyDirectoryGrain(
    [PersistentState("apikeys", BillingStorage.Name)] IPersistentState<ApiKeyDirectoryState> state) : Grain, IApiKeyDirectoryGrain
{
    private ApiKeySnapshot? snapshot;

    public async Task<bool> Bind(string hash, string productId, DateTimeOffset? expiresAt)
    {
        var bindings = state.State.Bindings;
        if (bindings.TryGetValue(hash, out var bound))
        {
            if (bound.ProductId != productId)
            {
                return false;
            }

            if (bound.ExpiresAt == expiresAt)
            {
                return true;
            }
        }

        bindings[hash] = new ApiKeyBinding(hash, productId, expiresAt);
        await Changed();
        return true;
    }

    public async Task Revoke(string hash, string productId)
    {
        if (state.State.Bindings.TryGetValue(hash, out var bound) && bound.ProductId == productId)
        {
            state.State.Bindings.Remove(hash);
            await Changed();
        }
    }

    public async Task Sync(string productId, IReadOnlyList<ApiKeyBinding> working)
    {
        var bindings = state.State.Bindings;
        var wanted = working.Where(b => b.ProductId == productId).ToDictionary(b => b.Hash, StringComparer.Ordinal);
        var stale = bindings.Values.Where(b => b.ProductId == productId && (!wanted.TryGetValue(b.Hash, out var w) || w != b)).Select(b => b.Hash).ToList();
        var missing = wanted.Values.Where(w => !bindings.TryGetValue(w.Hash, out var b) || (b.ProductId == productId && b != w)).ToList();
        if (stale.Count == 0 && missing.Count == 0)
        {
            return;
        }

        foreach (var hash in stale)
        {
            bindings.Remove(hash);
        }

        // A key bound to another product stays that product's: the product grain refused it when it was bound.
        foreach (var binding in missing.Where(m => !bindings.ContainsKey(m.Hash)))
        {
            bindings[binding.Hash] = binding;
        }

        await Changed();
    }

    public Task<ApiKeySnapshot?> Snapshot(long knownVersion)
    {
        if (knownVersion == state.State.Version)
        {
            return Task.FromResult<ApiKeySnapshot?>(null);
        }

        snapshot ??= new ApiKeySnapshot(state.State.Version, [.. state.State.Bindings.Values]);
        return Task.FromResult<ApiKeySnapshot?>(snapshot);
    }

    private async Task Changed()
    {
        state.State.Version++;
        snapshot = null;
        await state.WriteOrReadBackAsync();
    }
}

/// <summary>The persisted directory.</summary>
[GenerateSerializer, Alias("billing.ApiKeyDirectoryState")]
public sealed class ApiKeyDirectoryState
{
    /// <summary>Grows with every change, so a reader knows whether its copy is current.</summary>
    [Id(0)] public long Version { get; set; }

    [Id(1)] public Dictionary<string, ApiKeyBinding> Bindings { get; set; } = new(StringComparer.Ordinal);
}
