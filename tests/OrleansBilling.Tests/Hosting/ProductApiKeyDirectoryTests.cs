using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Options;
using OrleansBilling.Gateway.Auth;
using OrleansBilling.GrainInterfaces.Products;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Hosting;

/// <summary>
/// The gateway's copy of the key directory against a directory grain whose answers the test releases
/// one by one: a key revoked through this gateway stops at the next request even when a fetch begun
/// before the revocation answers last, and a failing directory costs one call however many wait.
/// </summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class ProductApiKeyDirectoryTests
{
    private const string Key = "bk_directory_key_0123456789";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_key_revoked_through_this_gateway_stops_at_once_even_when_an_older_fetch_answers_last()
    {
        var grain = new ScriptedDirectory();
        grain.Bind(Key);
        var directory = Directory(grain);
        Assert.Equal("demo", await directory.FindProductAsync(Key, Cancellation));

        // A fetch begins (another key was issued here), and the grain's answer, with the key, is slow to come back.
        directory.Invalidate();
        var slow = grain.HoldNextAnswer();
        var before = directory.FindProductAsync(Key, Cancellation).AsTask();

        // Meanwhile the key is revoked through this gateway.
        grain.Unbind(Key);
        directory.Invalidate();
        var after = await directory.FindProductAsync(Key, Cancellation);
        slow.SetResult();

        Assert.Equal("demo", await before);
        Assert.Null(after);
        Assert.Null(await directory.FindProductAsync(Key, Cancellation));
        Assert.Equal(3, grain.Calls);
    }

    [Fact]
    public async Task A_failing_directory_is_asked_once_for_all_the_lookups_waiting_on_it_and_a_canceled_lookup_stops_waiting()
    {
        var grain = new ScriptedDirectory();
        var failing = grain.HoldNextAnswer(new TimeoutException("Injected: the directory did not answer in time."));
        var directory = Directory(grain);
        var lookups = Enumerable.Range(0, 10).Select(_ => directory.FindProductAsync(Key, Cancellation).AsTask()).ToList();
        using var gone = new CancellationTokenSource();
        var abandoned = directory.FindProductAsync(Key, gone.Token).AsTask();

        await gone.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        failing.SetResult();

        Assert.All(await Task.WhenAll(lookups.Select(l => Assert.ThrowsAsync<TimeoutException>(() => l))), e => Assert.Contains("Injected", e.Message, StringComparison.Ordinal));
        Assert.Equal(1, grain.Calls);
    }

    private static ProductApiKeyDirectory Directory(ScriptedDirectory grain)
    {
        var factory = DispatchProxy.Create<IGrainFactory, OneGrainFactory>();
        ((OneGrainFactory)(object)factory).Grain = grain;
        return new ProductApiKeyDirectory(factory, Options.Create(new ProductKeyOptions { CacheSeconds = 30 }), TimeProvider.System);
    }

    /// <summary>A grain factory that has one grain, the directory.</summary>
    public class OneGrainFactory : DispatchProxy
    {
        public object? Grain { get; set; }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod?.Name == nameof(IGrainFactory.GetGrain) ? Grain : throw new NotSupportedException(targetMethod?.Name);
    }

    /// <summary>
    /// The directory grain: it reads its state when a call arrives, as the real one does, and delivers the
    /// answer when the test releases it (or at once), or fails with what the test gave.
    /// </summary>
    private sealed class ScriptedDirectory : IApiKeyDirectoryGrain
    {
        private readonly ConcurrentDictionary<string, ApiKeyBinding> bindings = new(StringComparer.Ordinal);
        private readonly ConcurrentQueue<(TaskCompletionSource Release, Exception? Failure)> held = new();
        private long version = 1;
        private int calls;

        public int Calls => Volatile.Read(ref calls);

        public void Bind(string key)
        {
            bindings[ApiKeys.Hash(key)] = new ApiKeyBinding(ApiKeys.Hash(key), "demo", null);
            Interlocked.Increment(ref version);
        }

        public void Unbind(string key)
        {
            bindings.TryRemove(ApiKeys.Hash(key), out _);
            Interlocked.Increment(ref version);
        }

        /// <summary>The next call's answer waits until the returned source is set; then it is the state as it was, or the failure.</summary>
        public TaskCompletionSource HoldNextAnswer(Exception? failure = null)
        {
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            held.Enqueue((release, failure));
            return release;
        }

        public async Task<ApiKeySnapshot?> Snapshot(long knownVersion)
        {
            Interlocked.Increment(ref calls);
            var current = Interlocked.Read(ref version);
            var answer = knownVersion == current ? null : new ApiKeySnapshot(current, [.. bindings.Values]);
            if (held.TryDequeue(out var hold))
            {
                await hold.Release.Task;
                if (hold.Failure is { } failure)
                {
                    throw failure;
                }
            }

            return answer;
        }

        public Task<bool> Bind(string hash, string productId, DateTimeOffset? expiresAt) => throw new NotSupportedException();

        public Task Revoke(string hash, string productId) => throw new NotSupportedException();

        public Task Sync(string productId, IReadOnlyList<ApiKeyBinding> working) => throw new NotSupportedException();
    }
}
