using OrleansBilling.GrainInterfaces.Catalog;

namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>One step of a dunning timeline: what happens, when, and whether it happened.</summary>
[GenerateSerializer, Immutable, Alias("billing.DunningStepView")]
public sealed record DunningStepView(
    [property: Id(0)] int Index,
    [property: Id(1)] DunningAction Action,
    [property: Id(2)] string Template,
    [property: Id(3)] bool RetryPayment,
    [property: Id(4)] DateTimeOffset DueAt,
    [property: Id(5)] bool Taken);
