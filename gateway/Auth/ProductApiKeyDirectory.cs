using System.Diagnostics;
using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using OrleansBilling.GrainInterfaces.Products;

namespace OrleansBilling.Gateway.Auth;

/// <summary>
/// Finds the product an API key acts for in a copy of the whole key directory
/// (<see cref="IApiKeyDirectoryGrain"/>), so an unknown key costs a hash and a lookup: no grain
/// activation, no database read, however many distinct keys arrive. The copy is refreshed when it is
/// older than <see cref="ProductKeyOptions.CacheSeconds"/> (a revoked key stops within that time),
/// and, for a well-formed key it does not know, when it is older than <see cref="MissRefresh"/> (a key
/// issued a moment ago works at once); either refresh is one call at a time, and answers "unchanged"
/// when nothing changed. The copy's age is real time (it is about this process's cache); whether a
/// key has expired is the service's clock (the product grain set the expiry by it).
/// </summary>
public sealed class ProductApiKeyDirectory(IGrainFactory grains, IOptions<ProductKeyOptions> options, TimeProvider clock)
{
    /// <summary>How old the copy may be before a key it does not know makes it refresh.</summary>
    public static readonly TimeSpan MissRefresh = TimeSpan.FromSeconds(1);

    private readonly TimeSpan maxAge = TimeSpan.FromSeconds(options.Value.CacheSeconds);
    private readonly SemaphoreSlim refreshing = new(1, 1);
    private Copy copy = Copy.None;

    /// <summary>The product id of the key, or null for a malformed, unknown, revoked or expired key.</summary>
    public async ValueTask<string?> FindProductAsync(string apiKey)
    {
        if (!ApiKeys.HasKeyShape(apiKey))
        {
            return null;
        }

        var current = Volatile.Read(ref copy);
        if (current.Age >= maxAge)
        {
            current = await RefreshAsync(current);
        }

        var hash = ApiKeys.Hash(apiKey);
        if (!current.Bindings.ContainsKey(hash) && current.Age >= MissRefresh)
        {
            current = await RefreshAsync(current);
        }

        return current.Bindings.TryGetValue(hash, out var binding) && binding.WorksAt(clock.GetUtcNow()) ? binding.ProductId : null;
    }

    /// <summary>This gateway changed a key: its copy is refreshed before the next lookup.</summary>
    public void Invalidate() => Volatile.Write(ref copy, Volatile.Read(ref copy) with { FetchedAt = long.MinValue });

    /// <summary>The copy as it is now: whoever finds it stale first fetches, the others wait for that fetch.</summary>
    private async ValueTask<Copy> RefreshAsync(Copy seen)
    {
        await refreshing.WaitAsync();
        try
        {
            // Another caller fetched while this one waited: its copy will do (an invalidated one will not).
            var current = Volatile.Read(ref copy);
            if (!ReferenceEquals(current, seen) && current.Age < MissRefresh)
            {
                return current;
            }

            var fetchedAt = Stopwatch.GetTimestamp();
            var snapshot = await grains.GetGrain<IApiKeyDirectoryGrain>(IApiKeyDirectoryGrain.Key).Snapshot(current.Version);
            var next = snapshot is null
                ? current with { FetchedAt = fetchedAt }
                : new Copy(snapshot.Version, snapshot.Bindings.ToFrozenDictionary(b => b.Hash, StringComparer.Ordinal), fetchedAt);
            Volatile.Write(ref copy, next);
            return next;
        }
        finally
        {
            refreshing.Release();
        }
    }

    /// <summary>The directory at <paramref name="Version"/>, fetched at a <see cref="Stopwatch"/> timestamp.</summary>
    private sealed record Copy(long Version, FrozenDictionary<string, ApiKeyBinding> Bindings, long FetchedAt)
    {
        public static readonly Copy None = new(-1, FrozenDictionary<string, ApiKeyBinding>.Empty, long.MinValue);

        public TimeSpan Age => FetchedAt == long.MinValue ? TimeSpan.MaxValue : Stopwatch.GetElapsedTime(FetchedAt);
    }
}
