using OrleansBilling.Grains.ReadModel;

namespace OrleansBilling.Grains.Effects;

/// <summary>Writes the subscription's row and new history to the read model (idempotent; the newest version wins).</summary>
public sealed class PublishReadModelExecutor(IReadModelWriter readModel) : EffectExecutor<Effect.PublishReadModel>
{
    protected override async Task<EffectResult> ExecuteAsync(Effect.PublishReadModel publish, CancellationToken cancellationToken)
    {
        await readModel.WriteAsync(publish.Row, publish.Entries, cancellationToken);
        return EffectResult.Done;
    }
}
