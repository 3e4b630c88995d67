namespace OrleansBilling.Sandbox;

/// <summary>An event the sandbox emitted.</summary>
/// <param name="Id">The <c>evt_…</c> id.</param>
/// <param name="Type">The event type, e.g. <c>invoice.paid</c>.</param>
/// <param name="Created">Sandbox time it happened.</param>
/// <param name="ObjectId">The id of <c>data.object</c>.</param>
/// <param name="Json">The event as delivered.</param>
public sealed record SandboxEvent(string Id, string Type, DateTimeOffset Created, string? ObjectId, string Json);
