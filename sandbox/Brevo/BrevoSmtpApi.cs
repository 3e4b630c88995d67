using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using static OrleansBilling.Sandbox.Control.SandboxJson;

namespace OrleansBilling.Sandbox.Brevo;

/// <summary>
/// Brevo's <c>POST /v3/smtp/email</c> as the service meets it: the <c>api-key</c> header, the body checked
/// the way Brevo checks it (<c>{code, message}</c> errors), planned failures, <c>headers.idempotencyKey</c>,
/// and <c>201 {"messageId": …}</c> with the email in the <see cref="SandboxMailbox"/>.
/// </summary>
internal static partial class BrevoSmtpApi
{
    /// <summary>Brevo's v3 API keys start so; the emulator accepts any such key.</summary>
    public const string ApiKeyPrefix = "xkeysib-";

    /// <summary>What a planned 429 says the limit is.</summary>
    private const int RateLimit = 10;

    public static async Task<IResult> SendAsync(HttpContext context, SandboxMailbox mailbox)
    {
        var now = mailbox.Now;
        if (!context.Request.Headers["api-key"].ToString().StartsWith(ApiKeyPrefix, StringComparison.Ordinal))
        {
            return Answer(mailbox, new SandboxBrevoCall(now, 401, null, false), Error("unauthorized", "Key not found"));
        }

        // Read before a planned failure, so the call log shows which key each attempt carried.
        var body = await ReadAsync(context.Request);
        var idempotencyKey = body?["headers"] is JsonObject headers && headers["idempotencyKey"] is JsonValue key && key.TryGetValue<string>(out var text) ? text : null;

        if (mailbox.TakeFailure() is { } failure)
        {
            if (failure.Status == 429)
            {
                context.Response.Headers["x-sib-ratelimit-limit"] = RateLimit.ToString(CultureInfo.InvariantCulture);
                context.Response.Headers["x-sib-ratelimit-remaining"] = "0";
                context.Response.Headers["x-sib-ratelimit-reset"] = failure.ResetSeconds.ToString(CultureInfo.InvariantCulture);
                return Answer(mailbox, new SandboxBrevoCall(now, 429, idempotencyKey, false), Error("too_many_requests", "The expected rate limit is exceeded."));
            }

            return Answer(mailbox, new SandboxBrevoCall(now, failure.Status, idempotencyKey, false), Error("internal_error", "The sandbox was told to fail this call."));
        }

        if (body is null)
        {
            return Answer(mailbox, new SandboxBrevoCall(now, 400, null, false), Error("invalid_parameter", "Input must be a JSON object."));
        }

        if (Refusal(body) is { } refusal)
        {
            return Answer(mailbox, new SandboxBrevoCall(now, 400, idempotencyKey, false), Error(refusal.Code, refusal.Message));
        }

        var (messageId, replayed) = mailbox.Deliver(EmailOf(body, idempotencyKey, now));
        return Answer(mailbox, new SandboxBrevoCall(now, 201, idempotencyKey, replayed), new JsonObject { ["messageId"] = messageId });
    }

    /// <summary>Why Brevo would refuse the body, or null.</summary>
    private static (string Code, string Message)? Refusal(JsonObject body)
    {
        if (body["to"] is not JsonArray { Count: > 0 } to)
        {
            return ("missing_parameter", "to is missing");
        }

        foreach (var (list, name) in new[] { (to, "to"), (body["cc"] as JsonArray, "cc"), (body["bcc"] as JsonArray, "bcc") })
        {
            if (list?.Any(recipient => !IsAddress(recipient)) == true)
            {
                return ("invalid_parameter", $"email is not valid in {name}");
            }
        }

        if (body["templateId"] is { } template)
        {
            if (!(template is JsonValue value && value.TryGetValue<long>(out var id) && id > 0))
            {
                return ("invalid_parameter", "templateId is not valid");
            }
        }
        else
        {
            if (!IsText(body["subject"]))
            {
                return ("missing_parameter", "subject is missing");
            }

            if (!IsText(body["htmlContent"]) && !IsText(body["textContent"]))
            {
                return ("missing_parameter", "htmlContent or textContent is missing");
            }

            // Only a template can bring its own sender.
            if (body["sender"] is null)
            {
                return ("missing_parameter", "sender is missing");
            }
        }

        if (body["sender"] is { } sender && !(IsAddress(sender) || (sender is JsonObject bySenderId && bySenderId["id"] is JsonValue)))
        {
            return ("invalid_parameter", "sender is not valid");
        }

        if (body["params"] is { } parameters && parameters is not JsonObject)
        {
            return ("invalid_parameter", "params is not valid");
        }

        if (body["tags"] is { } tags && !(tags is JsonArray array && array.All(IsText)))
        {
            return ("invalid_parameter", "tags is not valid");
        }

        if (body["headers"] is { } headers && !(headers is JsonObject map && map.All(h => h.Value is JsonValue)))
        {
            return ("invalid_parameter", "headers is not valid");
        }

        return null;
    }

    private static SandboxEmail EmailOf(JsonObject body, string? idempotencyKey, DateTimeOffset now) => new(
        "",
        [.. ((JsonArray)body["to"]!).Select(r => new SandboxEmailAddress(r!["email"]!.GetValue<string>(), IsText(r["name"]) ? r["name"]!.GetValue<string>() : null))],
        body["templateId"]?.GetValue<long>(),
        IsText(body["subject"]) ? body["subject"]!.GetValue<string>() : null,
        (body["params"] as JsonObject ?? []).ToDictionary(
            p => p.Key,
            p => p.Value is JsonValue value && value.TryGetValue<string>(out var text) ? text : p.Value?.ToJsonString() ?? "null"),
        [.. (body["tags"] as JsonArray ?? []).Select(t => t!.GetValue<string>())],
        idempotencyKey,
        now);

    private static bool IsAddress(JsonNode? recipient) =>
        recipient is JsonObject { } r && IsText(r["email"]) && Address().IsMatch(r["email"]!.GetValue<string>());

    private static bool IsText(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0;

    private static IResult Answer(SandboxMailbox mailbox, SandboxBrevoCall call, JsonObject body)
    {
        mailbox.Record(call);
        return Json(body, call.StatusCode);
    }

    private static JsonObject Error(string code, string message) => new() { ["code"] = code, ["message"] = message };

    /// <summary>One '@', something before it, a dotted domain after it, no spaces.</summary>
    [GeneratedRegex(@"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")]
    private static partial Regex Address();
}
