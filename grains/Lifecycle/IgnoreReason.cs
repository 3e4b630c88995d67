namespace OrleansBilling.Grains.Lifecycle;

/// <summary>Why an input was skipped without refusal.</summary>
public enum IgnoreReason
{
    /// <summary>The input's id was applied before.</summary>
    Duplicate,
    /// <summary>A one-way fact (paid invoice, cancellation, later period) shows the input is late.</summary>
    Stale,
    /// <summary>The subscription is already where the input leads.</summary>
    AlreadyInState,
}
