namespace OrleansBilling.GrainInterfaces.Catalog;

/// <summary>A product's escalation after a failed payment: ordered steps ending in exactly one cancel.</summary>
[GenerateSerializer, Immutable, Alias("billing.DunningPolicy")]
public sealed record DunningPolicy([property: Id(0)] IReadOnlyList<DunningStep> Steps)
{
    /// <summary>The most steps a policy may have.</summary>
    public const int MaxSteps = 20;

    /// <summary>The latest a step may come after the failed payment: dunning that ends later is no policy.</summary>
    public static readonly TimeSpan LongestAfter = TimeSpan.FromDays(365);

    /// <summary>The policy of a product that has not chosen one (DESIGN.md §3).</summary>
    public static DunningPolicy Default { get; } = new(
    [
        new DunningStep(TimeSpan.Zero, DunningAction.Email, "payment_failed"),
        new DunningStep(TimeSpan.FromDays(3), DunningAction.Email, "payment_reminder", RetryPayment: true),
        new DunningStep(TimeSpan.FromDays(7), DunningAction.Suspend, "access_suspended"),
        new DunningStep(TimeSpan.FromDays(14), DunningAction.Cancel, "subscription_canceled"),
    ]);

    /// <summary>Two policies are the same when their steps are, wherever the lists came from (configuration, storage, the wire).</summary>
    public bool Equals(DunningPolicy? other) =>
        other is not null && (ReferenceEquals(Steps, other.Steps) || (Steps is not null && other.Steps is not null && Steps.SequenceEqual(other.Steps)));

    public override int GetHashCode() => Steps?.Aggregate(Steps.Count, (hash, step) => HashCode.Combine(hash, step)) ?? 0;

    /// <summary>Why the policy is not usable; empty when it is.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Steps is null || Steps.Count == 0)
        {
            problems.Add("A dunning policy needs at least one step.");
            return problems;
        }

        if (Steps.Count > MaxSteps)
        {
            problems.Add($"A dunning policy has at most {MaxSteps} steps.");
            return problems;
        }

        for (var i = 0; i < Steps.Count; i++)
        {
            var step = Steps[i];
            if (step is null)
            {
                problems.Add($"Step {i} is missing.");
                continue;
            }

            if (step.After < TimeSpan.Zero || step.After > LongestAfter)
            {
                problems.Add($"Step {i}: 'after' must be between P0D and P{LongestAfter.TotalDays:0}D.");
            }

            if (i > 0 && Steps[i - 1] is { } previous && step.After < previous.After)
            {
                problems.Add($"Step {i}: steps must be ordered by 'after'.");
            }

            if (string.IsNullOrWhiteSpace(step.Template))
            {
                problems.Add($"Step {i}: a template is required.");
            }

            if (step.Action == DunningAction.Cancel && i != Steps.Count - 1)
            {
                problems.Add($"Step {i}: 'cancel' must be the last step.");
            }
        }

        if (Steps[^1]?.Action != DunningAction.Cancel)
        {
            problems.Add("The last step must be 'cancel': the policy has to end.");
        }

        return problems;
    }
}
