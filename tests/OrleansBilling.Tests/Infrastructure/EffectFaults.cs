using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using OrleansBilling.Grains.Effects;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// Puts itself around every effect executor of a silo: effects of a kind can be made to fail (as an
/// outage would), and every effect that ran to the end is counted, so a test can say "exactly once".
/// </summary>
public sealed class EffectFaults
{
    private readonly ConcurrentDictionary<Type, bool> failing = new();

    /// <summary>Every effect that completed, in order.</summary>
    public ConcurrentQueue<Effect> Done { get; } = new();

    /// <summary>Effects of <typeparamref name="TEffect"/> fail until <see cref="Heal{TEffect}"/>.</summary>
    public void Fail<TEffect>() where TEffect : Effect => failing[typeof(TEffect)] = true;

    public void Heal<TEffect>() where TEffect : Effect => failing.TryRemove(typeof(TEffect), out _);

    /// <summary>The completed effects of <typeparamref name="TEffect"/> that match.</summary>
    public IReadOnlyList<TEffect> DoneOf<TEffect>(Func<TEffect, bool> match) where TEffect : Effect => [.. Done.OfType<TEffect>().Where(match)];

    /// <summary>Registers the billing effects with every executor wrapped.</summary>
    public void Register(IServiceCollection services)
    {
        services.AddBillingEffects();
        var executors = services.Where(d => d.ServiceType == typeof(IEffectExecutor)).ToList();
        foreach (var descriptor in executors)
        {
            services.Remove(descriptor);
            var type = descriptor.ImplementationType!;
            services.AddSingleton(type);
            services.AddSingleton<IEffectExecutor>(sp => new Wrapped((IEffectExecutor)sp.GetRequiredService(type), this));
        }
    }

    private sealed class Wrapped(IEffectExecutor inner, EffectFaults faults) : IEffectExecutor
    {
        public Type Runs => inner.Runs;

        public async Task<EffectResult> ExecuteAsync(Effect effect, CancellationToken cancellationToken)
        {
            if (faults.failing.ContainsKey(effect.GetType()))
            {
                throw new InvalidOperationException($"Injected outage of {effect.GetType().Name}.");
            }

            var result = await inner.ExecuteAsync(effect, cancellationToken);
            faults.Done.Enqueue(effect);
            return result;
        }
    }
}
