namespace OrleansBilling.GrainInterfaces.Usage;

/// <summary>What became of one usage event.</summary>
public enum UsageOutcome
{
    /// <summary>Recorded durably now; it counts in its period and will be billed.</summary>
    Accepted,
    /// <summary>Its idempotency key was recorded before: it counted then, not again.</summary>
    Duplicate,
    /// <summary>Not recorded; <see cref="UsageResult.Error"/> says why.</summary>
    Rejected,
}
