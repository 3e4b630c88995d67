namespace OrleansBilling.GrainInterfaces.Usage;

/// <summary>A period's usage per meter, each under its meter's aggregation.</summary>
/// <param name="Used">Meter id to the period's value.</param>
[GenerateSerializer, Immutable, Alias("billing.UsageReading")]
public sealed record UsageReading([property: Id(0)] IReadOnlyDictionary<string, decimal> Used);
