namespace OrleansBilling.GrainInterfaces.Events;

/// <summary>An endpoint and its new signing secret (<c>whsec_…</c>): this answer is the only place the secret is shown.</summary>
[GenerateSerializer, Immutable, Alias("billing.IssuedEndpointSecret")]
public sealed record IssuedEndpointSecret(
    [property: Id(0)] EventEndpointView Endpoint,
    [property: Id(1)] string Secret);
