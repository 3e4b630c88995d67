using OrleansBilling.GrainInterfaces.Events;

namespace OrleansBilling.Grains.Events;

/// <summary>A secret that signs an endpoint's events, until <paramref name="ExpiresAt"/> when it was rotated out.</summary>
[GenerateSerializer, Immutable, Alias("billing.EndpointSecret")]
public sealed record EndpointSecret(
    [property: Id(0)] string Value,
    [property: Id(1)] DateTimeOffset CreatedAt,
    [property: Id(2)] DateTimeOffset? ExpiresAt = null);

/// <summary>An endpoint as stored: where to post which events, signed with which secrets.</summary>
[GenerateSerializer, Immutable, Alias("billing.EventEndpoint")]
public sealed record EventEndpoint(
    [property: Id(0)] string ProductId,
    [property: Id(1)] string Id,
    [property: Id(2)] string Url,
    [property: Id(3)] IReadOnlyList<string> EventTypes,
    [property: Id(4)] string Description,
    [property: Id(5)] bool Enabled,
    [property: Id(6)] IReadOnlyList<EndpointSecret> Secrets,
    [property: Id(7)] DateTimeOffset CreatedAt,
    [property: Id(8)] string CreatedBy,
    [property: Id(9)] DateTimeOffset UpdatedAt,
    [property: Id(10)] DateTimeOffset? DisabledAt = null,
    [property: Id(11)] string? DisabledReason = null,
    [property: Id(12)] DateTimeOffset? LastDeliveredAt = null)
{
    /// <summary>The secrets that sign at <paramref name="now"/>: the newest, and a rotated-out one until its window ends.</summary>
    public IReadOnlyList<string> SigningSecrets(DateTimeOffset now) =>
        [.. Secrets.Where(s => s.ExpiresAt is null || s.ExpiresAt > now).Select(s => s.Value)];

    /// <summary>Whether it receives events of <paramref name="type"/>.</summary>
    public bool Wants(string type) => EventTypes.Contains(type, StringComparer.Ordinal);

    public EventEndpointView View(DateTimeOffset now, int pending, int failed)
    {
        var current = Secrets[^1];
        var previous = Secrets.Take(Secrets.Count - 1).Where(s => s.ExpiresAt > now).Select(s => s.ExpiresAt).Max();
        return new EventEndpointView(
            Id, ProductId, Url, EventTypes, Description, Enabled, CreatedAt, CreatedBy, UpdatedAt, DisabledAt, DisabledReason,
            current.CreatedAt, previous, LastDeliveredAt, pending, failed);
    }
}
