using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Webhooks;

/// <summary>An event waiting for its next delivery attempt.</summary>
internal sealed record WebhookDelivery(EventRecord Event, int Attempts, DateTimeOffset NextAttemptAt);
