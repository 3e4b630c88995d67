using System.Text;
using OrleansBilling.GrainInterfaces.Usage;
using OrleansBilling.Grains.Usage;

namespace OrleansBilling.Silo.Usage;

/// <summary>
/// What every usage journal does with an append before storing it, so the PostgreSQL and the
/// in-memory journal accept and refuse exactly the same things.
/// </summary>
public static class UsageAppend
{
    // Strict: a lone surrogate cannot be stored as UTF-8, and letting it reach PostgreSQL would fail
    // a whole round of other callers' events with it.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Checks an append and returns the records to store: the first record of each idempotency key,
    /// in the caller's order (a key repeated within one call counts once, as first written).
    /// </summary>
    /// <exception cref="ArgumentException">An id, key or meter is empty or not storable text, or a quantity is negative or not finite.</exception>
    public static IReadOnlyList<UsageRecord> FirstOfEachKey(string productId, string customerId, IReadOnlyList<UsageRecord> records)
    {
        RequireText(productId, nameof(productId));
        RequireText(customerId, nameof(customerId));
        ArgumentNullException.ThrowIfNull(records);

        var seen = new HashSet<string>(records.Count, StringComparer.Ordinal);
        var first = new List<UsageRecord>(records.Count);
        foreach (var record in records)
        {
            ArgumentNullException.ThrowIfNull(record, nameof(records));
            RequireText(record.IdempotencyKey, nameof(UsageRecord.IdempotencyKey));
            RequireText(record.MeterId, nameof(UsageRecord.MeterId));
            if (!UsageQuantities.Fits(record.Quantity, UsageQuantities.Ceiling))
            {
                throw new ArgumentException(
                    $"The quantity of usage event '{record.IdempotencyKey}' must be {UsageQuantities.Rule(UsageQuantities.Ceiling)}, not {record.Quantity}.", nameof(records));
            }

            if (seen.Add(record.IdempotencyKey))
            {
                first.Add(record);
            }
        }

        return first;
    }

    /// <summary>
    /// A timestamp as the journal keeps it: UTC, to the microsecond (PostgreSQL's resolution; finer
    /// ticks are truncated, as Npgsql does).
    /// </summary>
    public static DateTimeOffset AsStored(DateTimeOffset timestamp) =>
        new(timestamp.UtcTicks - timestamp.UtcTicks % TimeSpan.TicksPerMicrosecond, TimeSpan.Zero);

    /// <summary>A record as the journal keeps it and reads it back, with the sequence number it was given.</summary>
    public static UsageRecord AsStored(UsageRecord record, long sequence) => record with
    {
        Quantity = UsageQuantities.Trimmed(record.Quantity),
        Timestamp = AsStored(record.Timestamp),
        PeriodStart = AsStored(record.PeriodStart),
        ReceivedAt = AsStored(record.ReceivedAt),
        Sequence = sequence,
    };

    private static void RequireText(string value, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, name);
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"{name} must not contain a NUL character.", name);
        }

        try
        {
            StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException error)
        {
            throw new ArgumentException($"{name} is not valid Unicode text.", name, error);
        }
    }
}
