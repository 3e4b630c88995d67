using System.Collections.Concurrent;
using OrleansBilling.GrainInterfaces.Staff;
using OrleansBilling.Grains.Staff;

namespace OrleansBilling.Silo.ReadModel;

/// <summary>The audit trail of the in-memory local default: the same contract as PostgreSQL's, lost with the process.</summary>
public sealed class InMemoryStaffAuditTrail : IStaffAuditTrail
{
    private readonly ConcurrentDictionary<string, AuditRecord> records = new(StringComparer.Ordinal);
    private readonly Lock numbering = new();
    private long sequence;

    public Task AppendAsync(IReadOnlyList<AuditRecord> batch, CancellationToken cancellationToken)
    {
        lock (numbering)
        {
            foreach (var record in batch.Where(r => !records.ContainsKey(r.Id)))
            {
                records[record.Id] = record with { Sequence = ++sequence };
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AuditRecord>> FindAsync(AuditQuery query, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AuditRecord>>(
        [
            .. records.Values
                .Where(r => (query.Person is null || r.Person == query.Person)
                    && (query.ProductId is null || r.ProductId == query.ProductId)
                    && (query.CustomerId is null || r.CustomerId == query.CustomerId)
                    && (query.Action is null || r.Action == query.Action)
                    && (query.Before is null || r.Sequence < query.Before))
                .OrderByDescending(r => r.Sequence)
                .Take(query.Limit),
        ]);
}
