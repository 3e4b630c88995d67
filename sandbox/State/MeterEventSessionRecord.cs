using System.Text.Json.Nodes;

namespace OrleansBilling.Sandbox.State;

/// <summary>A meter event session: a short-lived token that authenticates calls to the v2 meter event stream.</summary>
internal sealed record MeterEventSessionRecord(string Id, string AuthenticationToken, DateTimeOffset Created, DateTimeOffset ExpiresAt)
{
    /// <summary>v2 objects carry RFC 3339 times, not Unix seconds.</summary>
    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["object"] = "v2.billing.meter_event_session",
        ["authentication_token"] = AuthenticationToken,
        ["created"] = StripeJson.Rfc3339(Created),
        ["expires_at"] = StripeJson.Rfc3339(ExpiresAt),
        ["livemode"] = false,
    };
}
