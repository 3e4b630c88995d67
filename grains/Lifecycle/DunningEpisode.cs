using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Grains.Lifecycle;

/// <summary>
/// One run of a product's dunning policy, from a failed payment to recovery or the hard cancel.
/// It keeps the policy it started with: a policy changed meanwhile applies to later episodes.
/// Steps are taken in order and recorded, so a repeated or late tick never takes one twice.
/// </summary>
/// <param name="Number">1, 2, 3, … per subscription: part of every email and payment key of the episode.</param>
/// <param name="StartedAt">When the payment failed; every step's <c>after</c> counts from here.</param>
/// <param name="InvoiceId">The unpaid invoice.</param>
/// <param name="Policy">The policy as it was when the episode began.</param>
/// <param name="StepsTaken">How many steps have been taken (they are taken in order).</param>
[GenerateSerializer, Immutable, Alias("billing.DunningEpisode")]
public sealed record DunningEpisode(
    [property: Id(0)] int Number,
    [property: Id(1)] DateTimeOffset StartedAt,
    [property: Id(2)] string? InvoiceId,
    [property: Id(3)] DunningPolicy Policy,
    [property: Id(4)] int StepsTaken)
{
    /// <summary>The index of the next step, or null when every step was taken.</summary>
    public int? NextStep => StepsTaken < Policy.Steps.Count ? StepsTaken : null;

    /// <summary>When the next step is due, or null when every step was taken.</summary>
    public DateTimeOffset? NextDueAt => NextStep is { } next ? StartedAt + Policy.Steps[next].After : null;

    /// <summary>When access ends unless the customer pays: the suspend step's time, or null for a policy without one.</summary>
    public DateTimeOffset? GraceEnd => Policy.Steps.FirstOrDefault(step => step.Action == DunningAction.Suspend) is { } suspend ? StartedAt + suspend.After : null;

    /// <summary>Every step of the episode's policy with its date and whether it was taken.</summary>
    public IReadOnlyList<DunningStepView> Timeline() => Timeline(Policy, StartedAt, StepsTaken);

    /// <summary>The timeline a customer whose payments keep failing would follow from <paramref name="start"/>.</summary>
    public static IReadOnlyList<DunningStepView> Timeline(DunningPolicy policy, DateTimeOffset start, int stepsTaken = 0) =>
        [.. policy.Steps.Select((step, i) => new DunningStepView(i, step.Action, step.Template, step.RetryPayment, start + step.After, i < stepsTaken))];

    /// <summary>The steps due at <paramref name="now"/> and not yet taken, in order.</summary>
    public IEnumerable<int> DueSteps(DateTimeOffset now) =>
        Enumerable.Range(StepsTaken, Policy.Steps.Count - StepsTaken).TakeWhile(i => StartedAt + Policy.Steps[i].After <= now);
}
