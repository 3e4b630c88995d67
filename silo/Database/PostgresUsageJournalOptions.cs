using System.ComponentModel.DataAnnotations;

namespace OrleansBilling.Silo.Database;

/// <summary>The <c>UsageJournal</c> configuration section: how the PostgreSQL usage journal groups appends into commits.</summary>
public sealed class PostgresUsageJournalOptions
{
    public const string Section = "UsageJournal";

    /// <summary>
    /// How many rounds may be written at once, each on its own connection. One keeps every
    /// commit as large as possible; a second lets one round be built while the other commits.
    /// </summary>
    [Range(1, 16)]
    public int Writers { get; set; } = 2;

    /// <summary>
    /// A round stops taking queued appends once it holds this many rows (an append is never split,
    /// so one large append may exceed it on its own).
    /// </summary>
    [Range(1, 100_000)]
    public int MaxRowsPerRound { get; set; } = 5_000;

    /// <summary>How many appends may wait for a round before callers wait to enqueue.</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 10_000;
}
