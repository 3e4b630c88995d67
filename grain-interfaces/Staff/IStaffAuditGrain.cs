using Orleans.Concurrency;

namespace OrleansBilling.GrainInterfaces.Staff;

/// <summary>
/// The audit trail of staff actions, append-only in the database. A customer's record writes its own lines with its
/// decisions; this grain writes those of actions outside a customer's record (policies, keys, tokens, re-runs) and of
/// reads, and answers queries. Any silo's local instance serves (key 0).
/// </summary>
[Alias("billing.IStaffAuditGrain")]
public interface IStaffAuditGrain : IGrainWithIntegerKey
{
    /// <summary>Appends <paramref name="record"/>; a repeat of the same id keeps one.</summary>
    [Alias("Record")]
    Task Record(AuditRecord record);

    /// <summary>The records matching <paramref name="query"/>, newest first.</summary>
    [ReadOnly, Alias("Find")]
    Task<IReadOnlyList<AuditRecord>> Find(AuditQuery query);
}
