namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>A link to the provider's self-service billing portal for one customer.</summary>
[GenerateSerializer, Immutable, Alias("billing.PortalView")]
public sealed record PortalView([property: Id(0)] string Url);
