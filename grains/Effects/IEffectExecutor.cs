namespace OrleansBilling.Grains.Effects;

/// <summary>
/// Runs one kind of effect. Throws when the effect should be tried again (an outage); answers
/// <see cref="EffectResult.GaveUp"/> when no retry can succeed (the provider refused it for good).
/// </summary>
public interface IEffectExecutor
{
    /// <summary>The kind of effect it runs.</summary>
    Type Runs { get; }

    Task<EffectResult> ExecuteAsync(Effect effect, CancellationToken cancellationToken);
}

/// <summary>An executor of one effect type.</summary>
public abstract class EffectExecutor<TEffect> : IEffectExecutor
    where TEffect : Effect
{
    public Type Runs => typeof(TEffect);

    public Task<EffectResult> ExecuteAsync(Effect effect, CancellationToken cancellationToken) => ExecuteAsync((TEffect)effect, cancellationToken);

    protected abstract Task<EffectResult> ExecuteAsync(TEffect effect, CancellationToken cancellationToken);
}
