using System.Text.Json.Nodes;

namespace OrleansBilling.Sandbox.State;

/// <summary>An event as Stripe keeps it: an immutable snapshot of the object when it happened.</summary>
internal sealed class EventRecord
{
    /// <summary>The API version of Stripe.net 53.1.0, which refuses events of any other version.</summary>
    public const string ApiVersion = "2026-10-28.endive";

    private int pendingWebhooks = 1;

    public EventRecord(string id, string type, DateTimeOffset created, JsonObject snapshot, JsonObject? previousAttributes, string? requestId, string? idempotencyKey)
    {
        Id = id;
        Type = type;
        Created = created;
        ObjectId = snapshot["id"]?.GetValue<string>();
        Body = new JsonObject
        {
            ["id"] = id,
            ["object"] = "event",
            ["api_version"] = ApiVersion,
            ["created"] = StripeJson.Unix(created),
            ["data"] = previousAttributes is null
                ? new JsonObject { ["object"] = snapshot }
                : new JsonObject { ["object"] = snapshot, ["previous_attributes"] = previousAttributes },
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["request"] = new JsonObject { ["id"] = requestId, ["idempotency_key"] = idempotencyKey },
            ["type"] = type,
        };
        Payload = Body.ToJsonString();
    }

    public string Id { get; }

    public string Type { get; }

    public DateTimeOffset Created { get; }

    public string? ObjectId { get; }

    /// <summary>The exact body every delivery of this event sends.</summary>
    public string Payload { get; }

    public int PendingWebhooks => Volatile.Read(ref pendingWebhooks);

    private JsonObject Body { get; }

    /// <summary>Delivered, or given up on: either way Stripe stops counting it as pending.</summary>
    public void MarkSettled() => Volatile.Write(ref pendingWebhooks, 0);

    public JsonObject ToJson()
    {
        var json = (JsonObject)Body.DeepClone();
        json["pending_webhooks"] = PendingWebhooks;
        return json;
    }
}
