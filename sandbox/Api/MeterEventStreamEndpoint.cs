using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using OrleansBilling.Sandbox.Control;
using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Api;

/// <summary>
/// <c>POST /v2/billing/meter_event_stream</c>: up to 100 usage events in a JSON body, authenticated by a meter
/// event session's token rather than the secret key, answered <c>{}</c>, errors in v2's
/// <c>{"error": {type, code, message}}</c> shape. Events are recorded once per identifier with the v1 ones.
/// Stripe checks an event against its meter later and reports problems asynchronously; the sandbox checks the
/// default payload keys and the value at once, so a test sees the mistake where it was made.
/// </summary>
internal sealed class MeterEventStreamEndpoint(SandboxState state, SandboxRequests log)
{
    /// <summary>Stripe's limit of events per call.</summary>
    public const int MaxEvents = 100;

    private static readonly string[] TimestampFormats = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"];

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var requestId = StripeIds.New("req", 14);
        context.Response.Headers["Request-Id"] = requestId;
        var body = await SandboxJson.ReadAsync(request);

        var (status, answer) = Answer(StripeApiPipeline.ApiKey(request), body);

        // Logged flat, as every call is: the tree is built only if the log is read as JSON. This call comes
        // hundreds of times a second under load, with 100 events of five parameters each.
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in StripeParameters.FlatJson(body ?? []))
        {
            // The last of a repeated bracket key wins, as for every call ({"a[b]": 1, "a": {"b": 2}} names a[b] twice).
            parameters[key] = value;
        }

        var idempotencyKey = request.Headers["Idempotency-Key"].FirstOrDefault();
        log.Add(new SandboxRequest(
            state.Clock.GetUtcNow(), request.Method, StripeApiPipeline.ApiPath(request.Path.Value ?? ""), parameters, idempotencyKey, status, requestId, Replayed: false));
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.ToJsonString());
    }

    private (int Status, JsonObject Body) Answer(string? token, JsonObject? body)
    {
        lock (state.Gate)
        {
            if (token is null || !state.MeterEventSessions.TryGetValue(token, out var session))
            {
                var message = token?.StartsWith("sk_", StringComparison.Ordinal) == true
                    ? "The meter event stream takes the authentication token of a meter event session (POST /v2/billing/meter_event_session), not an API key."
                    : "Unknown meter event session token.";
                return Error(401, "invalid_request_error", "unauthorized", message);
            }

            if (session.ExpiresAt <= state.Now)
            {
                return Error(401, "temporary_session_expired", "billing_meter_event_session_expired", "The temporary session token has expired.");
            }

            if (state.MeterEventStreamFailures is { Left: > 0 } failures)
            {
                state.MeterEventStreamFailures = failures with { Left = failures.Left - 1 };
                return failures.Status == 429
                    ? Error(429, "rate_limit", "rate_limit", "The sandbox was told to refuse this call as over the rate limit.")
                    : Error(failures.Status, "api_error", "internal_error", "The sandbox was told to fail this call.");
            }

            if (body is null)
            {
                return Invalid("The request body must be a JSON object.");
            }

            if (Refusal(body) is { } refusal)
            {
                return Invalid(refusal);
            }

            foreach (var meterEvent in ((JsonArray)body["events"]!).Cast<JsonObject>())
            {
                state.RecordMeterEvent(MeterEventOf(meterEvent));
            }

            return (200, []);
        }
    }

    /// <summary>Why the body does not fit the stream's schema, or null.</summary>
    private static string? Refusal(JsonObject body)
    {
        if (body["events"] is not JsonArray events)
        {
            return "events is required and must be an array.";
        }

        if (events.Count > MaxEvents)
        {
            return $"events can hold at most {MaxEvents} events; this call has {events.Count}.";
        }

        for (var i = 0; i < events.Count; i++)
        {
            if (EventRefusal(events[i]) is { } refusal)
            {
                return string.Create(CultureInfo.InvariantCulture, $"events[{i}].{refusal}");
            }
        }

        return null;
    }

    private static string? EventRefusal(JsonNode? meterEvent)
    {
        if (meterEvent is not JsonObject fields)
        {
            return "must be an object.";
        }

        if (Text(fields["event_name"]) is null)
        {
            return "event_name is required.";
        }

        if (fields["identifier"] is not null && Text(fields["identifier"]) is null)
        {
            return "identifier must be a non-empty string.";
        }

        if (fields["timestamp"] is { } timestamp && Timestamp(timestamp) is null)
        {
            return "timestamp must be an RFC 3339 date-time such as 2024-06-01T12:00:00.000Z.";
        }

        if (fields["payload"] is not JsonObject payload)
        {
            return "payload is required and must be an object.";
        }

        if (payload.Any(p => p.Value is not JsonValue value || value.GetValueKind() != JsonValueKind.String))
        {
            return "payload values must be strings.";
        }

        if (Text(payload["stripe_customer_id"]) is null)
        {
            return "payload.stripe_customer_id is required.";
        }

        if (Text(payload["value"]) is not { } value)
        {
            return "payload.value is required.";
        }

        return decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out _)
            ? null
            : $"payload.value must be a number, not '{value}'.";
    }

    private SandboxMeterEvent MeterEventOf(JsonObject fields)
    {
        var payload = (JsonObject)fields["payload"]!;
        return new SandboxMeterEvent(
            Text(fields["event_name"])!,
            Text(payload["stripe_customer_id"])!,
            Text(payload["value"])!,
            Text(fields["identifier"]) ?? StripeIds.New("mev"),
            fields["timestamp"] is { } timestamp ? Timestamp(timestamp)!.Value : state.Now,
            state.Now);
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;

    private static DateTimeOffset? Timestamp(JsonNode node) =>
        Text(node) is { } text && DateTimeOffset.TryParseExact(text, TimestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;

    private static (int, JsonObject) Invalid(string message) => Error(400, "invalid_request_error", "invalid_fields", message);

    private static (int, JsonObject) Error(int status, string type, string code, string message) =>
        (status, new JsonObject { ["error"] = new JsonObject { ["type"] = type, ["code"] = code, ["message"] = message } });
}
