namespace OrleansBilling.GrainInterfaces.Catalog;

/// <summary>One version of a product's dunning policy: who set it and when. New episodes follow the newest.</summary>
/// <param name="Version">1, 2, 3, … per product.</param>
/// <param name="Policy">The steps.</param>
/// <param name="SetBy"><c>configuration</c>, or the admin who set it through the API.</param>
/// <param name="SetAt">When.</param>
[GenerateSerializer, Immutable, Alias("billing.DunningPolicyVersion")]
public sealed record DunningPolicyVersion(
    [property: Id(0)] int Version,
    [property: Id(1)] DunningPolicy Policy,
    [property: Id(2)] string SetBy,
    [property: Id(3)] DateTimeOffset SetAt)
{
    /// <summary>The actor of what configuration declares.</summary>
    public const string Configuration = "configuration";
}
