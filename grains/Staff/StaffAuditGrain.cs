using Orleans.Concurrency;
using OrleansBilling.GrainInterfaces.Staff;

namespace OrleansBilling.Grains.Staff;

/// <summary>Writes and reads the audit trail through <see cref="IStaffAuditTrail"/>; stateless, so any silo answers.</summary>
[GrainType("staff-audit"), StatelessWorker]
public sealed class StaffAuditGrain(IStaffAuditTrail trail) : Grain, IStaffAuditGrain
{
    public Task Record(AuditRecord record) => trail.AppendAsync([record], CancellationToken.None);

    public Task<IReadOnlyList<AuditRecord>> Find(AuditQuery query) =>
        trail.FindAsync(query with { Limit = Math.Clamp(query.Limit, 1, 500) }, CancellationToken.None);
}
