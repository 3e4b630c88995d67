namespace OrleansBilling.Sandbox;

/// <summary>One failed webhook delivery.</summary>
/// <param name="EventId">The event that failed to arrive.</param>
/// <param name="EventType">Its type.</param>
/// <param name="Attempt">Which attempt failed (1 is the first delivery).</param>
/// <param name="Error">The status the receiver answered, or the transport error.</param>
/// <param name="At">Real time of the failure.</param>
public sealed record SandboxWebhookError(string EventId, string EventType, int Attempt, string Error, DateTimeOffset At);
