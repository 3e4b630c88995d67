namespace OrleansBilling.Grains.Usage;

/// <summary>
/// The durable ledger of usage events, per subscription (product and customer). It is the source of
/// truth for idempotency and for the period totals the subscription grain keeps in memory, and it
/// remembers which events the payment provider has accepted. PostgreSQL in production; in memory
/// for the local default and unit tests.
/// </summary>
public interface IUsageJournal
{
    /// <summary>
    /// Writes the records durably before returning and answers the records that were new, as the journal keeps them
    /// (timestamps to the microsecond, the quantity without trailing zeros, the sequence number given), in sequence order:
    /// what <see cref="UnsentAsync"/> would read back, so usage can be forwarded without reading it again.
    /// A key recorded before (in this call or any earlier one) is left as first written. A failure
    /// may still have written the records (a commit whose answer was lost); a retry then finds their
    /// keys recorded. Cancellation only takes effect before the records are handed to the database.
    /// </summary>
    Task<IReadOnlyList<UsageRecord>> AppendAsync(string productId, string customerId, IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken);

    /// <summary>
    /// The totals per period and meter of every period that starts at or after <paramref name="since"/>.
    /// The last event is the one with the latest timestamp, then the later received, then the greater key (ordinal).
    /// </summary>
    Task<IReadOnlyList<UsageTotals>> TotalsAsync(string productId, string customerId, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Which of <paramref name="keys"/> are recorded already: a refusal must not answer a repeat of accepted usage.</summary>
    Task<IReadOnlySet<string>> RecordedAsync(string productId, string customerId, IReadOnlyCollection<string> keys, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> records the provider has not accepted yet, in sequence order (the order they were appended in).</summary>
    Task<IReadOnlyList<UsageRecord>> UnsentAsync(string productId, string customerId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The provider has accepted every record of the subscription up to and including
    /// <paramref name="throughSequence"/>. One mark per batch, not one per record: forwarding goes in
    /// sequence order, so what is sent is always a prefix. A lower mark than an earlier one changes nothing.
    /// </summary>
    Task MarkSentAsync(string productId, string customerId, long throughSequence, DateTimeOffset sentAt, CancellationToken cancellationToken);
}
