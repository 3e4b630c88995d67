using OrleansBilling.Grains.Staff;

namespace OrleansBilling.Grains.Effects;

/// <summary>Appends a staff action's audit record (idempotent by its id).</summary>
public sealed class RecordAuditExecutor(IStaffAuditTrail trail) : EffectExecutor<Effect.RecordAudit>
{
    protected override async Task<EffectResult> ExecuteAsync(Effect.RecordAudit record, CancellationToken cancellationToken)
    {
        await trail.AppendAsync([record.Record], cancellationToken);
        return EffectResult.Done;
    }
}
