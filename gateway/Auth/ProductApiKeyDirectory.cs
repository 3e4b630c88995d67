using System.Collections.Frozen;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using OrleansBilling.GrainInterfaces.Products;

namespace OrleansBilling.Gateway.Auth;

/// <summary>
/// Finds the product an API key acts for in a copy of the whole key directory
/// (<see cref="IApiKeyDirectoryGrain"/>), so an unknown key costs a hash and a lookup: no grain
/// activation, no database read, however many distinct keys arrive. The copy is refreshed when it is
/// older than <see cref="ProductKeyOptions.CacheSeconds"/> (a key revoked elsewhere stops within that
/// time), and, for a well-formed key it does not know, when it is older than <see cref="MissRefresh"/>
/// (a key issued a moment ago works at once). All callers share one fetch at a time, so a slow or failing
/// directory costs one grain call, not one per waiting request; a fetch answers "unchanged" when nothing
/// changed. <see cref="Invalidate"/> (a key issued or revoked through this gateway) makes the next lookup
/// wait for a fetch that started after it. The copy's age is real time (it is about this process's
/// cache); whether a key has expired is the service's clock (the product grain set the expiry by it).
/// </summary>
public sealed class ProductApiKeyDirectory(IGrainFactory grains, IOptions<ProductKeyOptions> options, TimeProvider clock)
{
    /// <summary>How old the copy may be before a key it does not know makes it refresh.</summary>
    public static readonly TimeSpan MissRefresh = TimeSpan.FromSeconds(1);

    private readonly TimeSpan maxAge = TimeSpan.FromSeconds(options.Value.CacheSeconds);
    private readonly Lock gate = new();
    private Copy copy = Copy.None;

    /// <summary>How many invalidations there were: a fetch that started before the last one cannot make a fresh copy.</summary>
    private long invalidations;

    private Fetch? inFlight;

    /// <summary>The product id of the key, or null for a malformed, unknown, revoked or expired key.</summary>
    public async ValueTask<string?> FindProductAsync(string apiKey, CancellationToken cancellationToken = default)
    {
        if (!ApiKeys.HasKeyShape(apiKey))
        {
            return null;
        }

        var current = Volatile.Read(ref copy);
        if (current.Age >= maxAge)
        {
            current = await FreshAsync(cancellationToken);
        }

        var hash = ApiKeys.Hash(apiKey);
        if (!current.Bindings.ContainsKey(hash) && current.Age >= MissRefresh)
        {
            current = await FreshAsync(cancellationToken);
        }

        return current.Bindings.TryGetValue(hash, out var binding) && binding.WorksAt(clock.GetUtcNow()) ? binding.ProductId : null;
    }

    /// <summary>This gateway changed a key: the next lookup waits for a fetch that started after now.</summary>
    public void Invalidate()
    {
        lock (gate)
        {
            invalidations++;
            copy = copy with { FetchedAt = long.MinValue };
        }
    }

    /// <summary>A copy fetched after every invalidation so far: the fetch in flight if it started after them, else a new one.</summary>
    private Task<Copy> FreshAsync(CancellationToken cancellationToken)
    {
        Fetch fetch;
        var start = false;
        lock (gate)
        {
            if (inFlight is { } running && running.Generation == invalidations)
            {
                fetch = running;
            }
            else
            {
                fetch = new Fetch(invalidations, copy);
                inFlight = fetch;
                start = true;
            }
        }

        if (start)
        {
            _ = RunAsync(fetch);
        }

        return fetch.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task RunAsync(Fetch fetch)
    {
        try
        {
            var fetchedAt = Stopwatch.GetTimestamp();
            var snapshot = await grains.GetGrain<IApiKeyDirectoryGrain>(IApiKeyDirectoryGrain.Key).Snapshot(fetch.From.Version);
            var next = snapshot is null
                ? fetch.From with { FetchedAt = fetchedAt, Generation = fetch.Generation }
                : new Copy(snapshot.Version, snapshot.Bindings.ToFrozenDictionary(b => b.Hash, StringComparer.Ordinal), fetchedAt, fetch.Generation);
            lock (gate)
            {
                // A fetch overtaken by an invalidation is kept only as a stale copy, and never over a newer one.
                if (next.Generation >= copy.Generation && next.Version >= copy.Version)
                {
                    copy = next.Generation == invalidations ? next : next with { FetchedAt = long.MinValue };
                }
            }

            fetch.Done.SetResult(next);
        }
        catch (Exception ex)
        {
            // Every caller waiting on this fetch hears the failure once (a 503 when the cluster is unavailable).
            fetch.Done.SetException(ex);
        }
        finally
        {
            lock (gate)
            {
                if (ReferenceEquals(inFlight, fetch))
                {
                    inFlight = null;
                }
            }
        }
    }

    /// <summary>The directory at <paramref name="Version"/>, fetched at a <see cref="Stopwatch"/> timestamp by a fetch that started after <paramref name="Generation"/> invalidations.</summary>
    private sealed record Copy(long Version, FrozenDictionary<string, ApiKeyBinding> Bindings, long FetchedAt, long Generation)
    {
        public static readonly Copy None = new(-1, FrozenDictionary<string, ApiKeyBinding>.Empty, long.MinValue, 0);

        public TimeSpan Age => FetchedAt == long.MinValue ? TimeSpan.MaxValue : Stopwatch.GetElapsedTime(FetchedAt);
    }

    /// <summary>One fetch of the directory, shared by every caller that arrives while it runs (and after the same invalidations).</summary>
    private sealed class Fetch(long generation, Copy from)
    {
        public long Generation { get; } = generation;

        public Copy From { get; } = from;

        public TaskCompletionSource<Copy> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
