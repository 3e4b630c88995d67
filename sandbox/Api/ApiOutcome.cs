using System.Text.Json.Nodes;
using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Api;

/// <summary>What an API call answers and the events it caused, delivered before the answer is sent.</summary>
internal sealed record ApiOutcome(int Status, JsonNode Body, IReadOnlyList<EventRecord> Events)
{
    public static ApiOutcome Ok(JsonNode body, EventBatch batch) => new(200, body, batch.Events);

    /// <summary>A refusal that still caused events, as a declined invoice payment does.</summary>
    public static ApiOutcome Refused(StripeApiException error, EventBatch batch) => new(error.Status, error.ToBody(), batch.Events);
}
