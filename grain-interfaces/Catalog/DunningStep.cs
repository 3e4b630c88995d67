namespace OrleansBilling.GrainInterfaces.Catalog;

/// <summary>One step of a dunning policy, due <paramref name="After"/> the failed payment.</summary>
[GenerateSerializer, Immutable, Alias("billing.DunningStep")]
public sealed record DunningStep(
    [property: Id(0)] TimeSpan After,
    [property: Id(1)] DunningAction Action,
    [property: Id(2)] string Template,
    [property: Id(3)] bool RetryPayment = false);
