namespace OrleansBilling.Sandbox;

/// <summary>What a redelivery of past events did.</summary>
/// <param name="Sent">Deliveries made (every event, plus its duplicates).</param>
/// <param name="Succeeded">Deliveries answered 2xx.</param>
public sealed record SandboxRedeliveryResult(int Sent, int Succeeded);
