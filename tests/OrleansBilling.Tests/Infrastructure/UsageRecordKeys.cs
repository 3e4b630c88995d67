using OrleansBilling.Grains.Usage;

namespace OrleansBilling.Tests.Infrastructure;

public static class UsageRecordKeys
{
    /// <summary>The idempotency keys of records a journal answered, in ordinal order.</summary>
    public static string[] Keys(this IEnumerable<UsageRecord> records) =>
        [.. records.Select(r => r.IdempotencyKey).Order(StringComparer.Ordinal)];
}
