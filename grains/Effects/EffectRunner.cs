using System.Collections.Frozen;
using Polly;
using Polly.Retry;

namespace OrleansBilling.Grains.Effects;

/// <summary>
/// Runs an effect with its executor. A failure gets one quick second try through a Polly retry (a
/// dropped connection, a deadlock victim); what still fails stays in the outbox and is tried again
/// later, after the outbox's pause, from the grain's wake-up. Those short retries follow real time
/// whatever the billing clock says: they are about the network, not about billing.
/// </summary>
public sealed class EffectRunner
{
    private readonly FrozenDictionary<Type, IEffectExecutor> executors;
    private readonly ResiliencePipeline pipeline;

    public EffectRunner(IEnumerable<IEffectExecutor> executors)
    {
        this.executors = executors.ToFrozenDictionary(e => e.Runs);
        pipeline = new ResiliencePipelineBuilder { TimeProvider = TimeProvider.System }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = 1,
                Delay = TimeSpan.FromMilliseconds(200),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException),
            })
            .Build();
    }

    /// <summary>Runs <paramref name="effect"/>; throws when it should be tried again later.</summary>
    public Task<EffectResult> RunAsync(Effect effect, CancellationToken cancellationToken) =>
        executors.TryGetValue(effect.GetType(), out var executor)
            ? pipeline.ExecuteAsync(async token => await executor.ExecuteAsync(effect, token), cancellationToken).AsTask()
            : throw new InvalidOperationException($"No executor runs {effect.GetType().Name}.");
}
