namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>A plan change that waits for the period end: the plan the customer moves to, and when.</summary>
/// <param name="PlanId">The plan from then on.</param>
/// <param name="At">When it applies: the end of the current period, when the next one is billed at its price.</param>
[GenerateSerializer, Immutable, Alias("billing.PendingChangeView")]
public sealed record PendingChangeView(
    [property: Id(0)] string PlanId,
    [property: Id(1)] DateTimeOffset At);
