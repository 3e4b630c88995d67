using OrleansBilling.GrainInterfaces.Staff;

namespace OrleansBilling.Grains.Staff;

/// <summary>Where the audit trail is kept: append-only, idempotent by record id.</summary>
public interface IStaffAuditTrail
{
    /// <summary>Appends <paramref name="records"/> in one unit; records already there (same id) are kept as they are.</summary>
    Task AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken);

    /// <summary>The records matching <paramref name="query"/>, newest first.</summary>
    Task<IReadOnlyList<AuditRecord>> FindAsync(AuditQuery query, CancellationToken cancellationToken);
}
