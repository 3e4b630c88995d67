using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Products;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Lifecycle;

namespace OrleansBilling.Grains.Products;

/// <summary>
/// Holds a product's definition, its dunning policy's versions and its API keys. Configuration
/// declares the product at every start; an admin's later changes through the API are kept (see
/// <see cref="IProductGrain"/> for the precedence).
/// </summary>
[GrainType("product")]
public sealed class ProductGrain(
    [PersistentState("product", BillingStorage.Name)] IPersistentState<ProductGrainState> state,
    IGrainFactory grains,
    TimeProvider clock) : Grain, IProductGrain
{
    private const int RevokedKeysKept = 50;

    private string ProductId => this.GetPrimaryKeyString()["product/".Length..];

    private IApiKeyDirectoryGrain Directory => grains.GetGrain<IApiKeyDirectoryGrain>(IApiKeyDirectoryGrain.Key);

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

        var configured = definition.Dunning ?? DunningPolicy.Default;
        var changedInConfiguration = state.State.ConfiguredDunning != configured;
        if (state.State.DunningPolicies.Count == 0 || changedInConfiguration)
        {
            AddPolicyVersion(configured, DunningPolicyVersion.Configuration);
        }

        state.State.ConfiguredDunning = configured;
        var next = definition with { Dunning = state.State.DunningPolicies[^1].Policy };
        if (state.State.Definition != next || changedInConfiguration)
        {
            state.State.Definition = next;
            await state.WriteStateAsync();
        }

        return [];
    }

    public async Task<IReadOnlyList<string>> SetDunningPolicy(DunningPolicy policy, string actor)
    {
        if (state.State.Definition is not { } definition)
        {
            return [$"Product '{ProductId}' is not configured."];
        }

        if (policy.Problems() is { Count: > 0 } problems)
        {
            return problems;
        }

        AddPolicyVersion(policy, actor);
        state.State.Definition = definition with { Dunning = policy };
        await state.WriteStateAsync();
        return [];
    }

    public Task<IReadOnlyList<DunningPolicyVersion>> GetDunningPolicies() =>
        Task.FromResult<IReadOnlyList<DunningPolicyVersion>>([.. state.State.DunningPolicies.AsEnumerable().Reverse()]);

    public Task<IReadOnlyList<DunningStepView>> PreviewDunning(DateTimeOffset start) =>
        Task.FromResult(state.State.Definition is { } definition
            ? DunningEpisode.Timeline(definition.Dunning ?? DunningPolicy.Default, start)
            : (IReadOnlyList<DunningStepView>)[]);

    public Task<ProductDefinition?> GetDefinition() => Task.FromResult(state.State.Definition);

    public Task<string?> GetPortalConfiguration(string fingerprint) =>
        Task.FromResult(state.State.PortalFingerprint == fingerprint ? state.State.PortalConfigurationId : null);

    public async Task SetPortalConfiguration(string fingerprint, string configurationId)
    {
        if (state.State.PortalFingerprint == fingerprint && state.State.PortalConfigurationId == configurationId)
        {
            return;
        }

        state.State.PortalFingerprint = fingerprint;
        state.State.PortalConfigurationId = configurationId;
        await state.WriteStateAsync();
    }

    public async Task SetConfiguredApiKeys(IReadOnlyList<string> apiKeyHashes)
    {
        var now = clock.GetUtcNow();
        var changed = false;
        foreach (var hash in apiKeyHashes.Distinct(StringComparer.Ordinal))
        {
            // A key that works stays as it is; one an admin revoked, or that a rotation retired, stays
            // stopped whatever configuration says (a leaked key must not come back with the next
            // deploy). Only a key configuration itself took out may come back in with configuration.
            var index = state.State.ApiKeys.FindIndex(k => k.Hash == hash);
            if (index >= 0 && (state.State.ApiKeys[index].WorksAt(now) || state.State.ApiKeys[index].RevokedBy != DunningPolicyVersion.Configuration))
            {
                continue;
            }

            // The index first: a key that cannot be bound (it belongs to another product) is never listed here.
            await Bind(hash, expiresAt: null);
            var record = new ApiKeyRecord(hash, now, DunningPolicyVersion.Configuration);
            if (index >= 0)
            {
                state.State.ApiKeys[index] = record;
            }
            else
            {
                state.State.ApiKeys.Add(record);
            }

            changed = true;
        }

        foreach (var gone in state.State.ApiKeys
                     .Where(k => k.CreatedBy == DunningPolicyVersion.Configuration && k.WorksAt(now) && !apiKeyHashes.Contains(k.Hash))
                     .ToList())
        {
            await Revoke(gone, DunningPolicyVersion.Configuration, now);
            changed = true;
        }

        if (changed)
        {
            await state.WriteStateAsync();
        }

        // At every start: the directory holds exactly this product's working keys, whatever a failed
        // write left behind and whichever keys were bound before the directory existed.
        await Directory.Sync(ProductId, [.. state.State.ApiKeys.Where(k => k.WorksAt(now)).Select(k => new ApiKeyBinding(k.Hash, ProductId, k.ExpiresAt))]);
    }

    public async Task<IssuedApiKey> IssueApiKey(string actor)
    {
        var (key, record) = await NewKey(actor);
        await state.WriteOrReadBackAsync();
        return new IssuedApiKey(record.Id, key, record.CreatedAt);
    }

    public async Task<IssuedApiKey?> RotateApiKey(string keyId, TimeSpan overlap, string actor)
    {
        var now = clock.GetUtcNow();
        var index = state.State.ApiKeys.FindIndex(k => k.Id == keyId && k.WorksAt(now));
        if (index < 0)
        {
            return null;
        }

        var (key, record) = await NewKey(actor);
        var old = state.State.ApiKeys[index];
        var expiresAt = now + overlap;
        if (old.ExpiresAt is null || old.ExpiresAt > expiresAt)
        {
            await Bind(old.Hash, expiresAt);
            state.State.ApiKeys[index] = old with { ExpiresAt = expiresAt };
        }

        await state.WriteOrReadBackAsync();
        return new IssuedApiKey(record.Id, key, record.CreatedAt, old.Id, state.State.ApiKeys[index].ExpiresAt);
    }

    public async Task<bool> RevokeApiKey(string keyId, string actor)
    {
        var now = clock.GetUtcNow();
        if (state.State.ApiKeys.Find(k => k.Id == keyId && k.WorksAt(now)) is not { } key)
        {
            return false;
        }

        await Revoke(key, actor, now);
        await state.WriteOrReadBackAsync();
        return true;
    }

    public Task<IReadOnlyList<ApiKeyView>> ListApiKeys() =>
        Task.FromResult<IReadOnlyList<ApiKeyView>>(
            [.. state.State.ApiKeys.AsEnumerable().Reverse().Select(k => new ApiKeyView(k.Id, k.CreatedAt, k.CreatedBy, k.ExpiresAt, k.RevokedAt, k.RevokedBy))]);

    private void AddPolicyVersion(DunningPolicy policy, string actor) =>
        state.State.DunningPolicies.Add(new DunningPolicyVersion(state.State.DunningPolicies.Count + 1, policy, actor, clock.GetUtcNow()));

    private async Task<(string Key, ApiKeyRecord Record)> NewKey(string actor)
    {
        var key = ApiKeys.Generate();
        var record = new ApiKeyRecord(ApiKeys.Hash(key), clock.GetUtcNow(), actor);
        await Bind(record.Hash, expiresAt: null);
        state.State.ApiKeys.Add(record);
        return (key, record);
    }

    private async Task Bind(string hash, DateTimeOffset? expiresAt)
    {
        if (!await Directory.Bind(hash, ProductId, expiresAt))
        {
            throw new InvalidOperationException("That API key already belongs to another product.");
        }
    }

    private async Task Revoke(ApiKeyRecord key, string actor, DateTimeOffset now)
    {
        await Directory.Revoke(key.Hash, ProductId);
        var index = state.State.ApiKeys.IndexOf(key);
        state.State.ApiKeys[index] = key with { RevokedAt = now, RevokedBy = actor };

        var revoked = state.State.ApiKeys.Where(k => k.RevokedAt is not null).ToList();
        if (revoked.Count > RevokedKeysKept)
        {
            state.State.ApiKeys.RemoveAll(k => revoked.Take(revoked.Count - RevokedKeysKept).Contains(k));
        }
    }
}
