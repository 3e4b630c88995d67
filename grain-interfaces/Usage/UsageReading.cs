namespace OrleansBilling.GrainInterfaces.Usage;

/// <summary>A period's usage per meter, each under its meter's aggregation, as of a version of the customer's usage.</summary>
/// <param name="Used">Meter id to the period's value.</param>
/// <param name="Version">Grows whenever accepted usage changes a total: a reading of a lower version is stale.</param>
[GenerateSerializer, Immutable, Alias("billing.UsageReading")]
public sealed record UsageReading(
    [property: Id(0)] IReadOnlyDictionary<string, decimal> Used,
    [property: Id(1)] long Version);
