namespace OrleansBilling.GrainInterfaces.Events;

/// <summary>What an admin sets on an endpoint; on a change, what is null stays as it is.</summary>
/// <param name="Url">Where events are posted: HTTPS, a public address (outside the local default).</param>
/// <param name="EventTypes">The types it receives; every type when null on creation.</param>
/// <param name="Description">What it is, for people.</param>
/// <param name="Enabled">Whether events are sent to it; enabled when null on creation.</param>
/// <param name="Reason">Why it is disabled, when an admin disables it.</param>
[GenerateSerializer, Immutable, Alias("billing.EventEndpointRequest")]
public sealed record EventEndpointRequest(
    [property: Id(0)] string? Url,
    [property: Id(1)] IReadOnlyList<string>? EventTypes,
    [property: Id(2)] string? Description,
    [property: Id(3)] bool? Enabled,
    [property: Id(4)] string? Reason = null);
