namespace OrleansBilling.Sandbox;

/// <summary>
/// A usage record the service reported with <c>POST /v1/billing/meter_events</c> or on the
/// <c>/v2/billing/meter_event_stream</c>: the first report of its identifier, which is the one that counts.
/// </summary>
/// <param name="EventName">The meter's event name.</param>
/// <param name="CustomerId">The <c>payload[stripe_customer_id]</c>.</param>
/// <param name="Value">The <c>payload[value]</c>, as sent.</param>
/// <param name="Identifier">The deduplication identifier (generated when the caller sent none).</param>
/// <param name="Timestamp">When the usage happened, as reported.</param>
/// <param name="Created">Sandbox time when the sandbox received it.</param>
public sealed record SandboxMeterEvent(string EventName, string CustomerId, string Value, string Identifier, DateTimeOffset Timestamp, DateTimeOffset Created)
{
    /// <summary>How many accepted requests carried this identifier: more than one means it was sent again (a retry).</summary>
    public int Received { get; init; } = 1;
}
