using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OrleansBilling.Sandbox.State;
using OrleansBilling.Sandbox.Webhooks;
using static OrleansBilling.Sandbox.Control.SandboxJson;

namespace OrleansBilling.Sandbox.Control;

/// <summary>The sandbox's own JSON endpoints for scripts and tests: clock, checkout, cards, logs, meter events, redelivery, webhook hold and release, the rate limit.</summary>
internal static class SandboxControlEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var sandbox = app.MapGroup("/sandbox");
        sandbox.ExcludeFromDescription();

        sandbox.MapGet("/clock", (SandboxControl control) => Json(Clock(control.Now)));

        sandbox.MapPost("/clock/advance", async (HttpRequest request, SandboxControl control) =>
        {
            if (await ReadAsync(request) is not { } body)
            {
                return Problem(400, "The body must be a JSON object such as {\"days\": 30, \"hours\": 1}.");
            }

            var by = TimeSpan.FromDays(Number(body, "days")) + TimeSpan.FromHours(Number(body, "hours"))
                + TimeSpan.FromMinutes(Number(body, "minutes")) + TimeSpan.FromSeconds(Number(body, "seconds"));
            if (by < TimeSpan.Zero)
            {
                return Problem(400, "The sandbox clock only moves forward.");
            }

            var result = await control.AdvanceClockAsync(by, request.HttpContext.RequestAborted);
            var json = Clock(result.Now);
            json["events"] = new JsonArray([.. result.Events.Select(e => (JsonNode)new JsonObject { ["id"] = e.Id, ["type"] = e.Type })]);
            return Json(json);
        });

        sandbox.MapPost("/checkout/{id}/complete", async (string id, HttpRequest request, SandboxControl control) =>
        {
            if (await ReadAsync(request) is not { } body || body["card"]?.GetValueKind() != JsonValueKind.String)
            {
                return Problem(400, "The body must be a JSON object such as {\"card\": \"4242424242424242\"}.");
            }

            try
            {
                var result = await control.CompleteCheckoutAsync(id, body["card"]!.GetValue<string>(), body["email"]?.GetValue<string>(), request.HttpContext.RequestAborted);
                var json = new JsonObject
                {
                    ["id"] = result.SessionId,
                    ["status"] = result.Status,
                    ["customer"] = result.CustomerId,
                    ["subscription"] = result.SubscriptionId,
                    ["invoice"] = result.InvoiceId,
                    ["success_url"] = result.SuccessUrl,
                };
                if (result.Error is { } error)
                {
                    json["error"] = CardError(error);
                    return Json(json, 402);
                }

                return Json(json);
            }
            catch (KeyNotFoundException exception)
            {
                return Problem(404, exception.Message);
            }
            catch (InvalidOperationException exception)
            {
                return Problem(400, exception.Message);
            }
        });

        sandbox.MapPost("/charges/{id}/dispute", async (string id, HttpRequest request, SandboxControl control) =>
        {
            var body = await ReadAsync(request) ?? [];
            var close = body["close"]?.GetValueKind() == JsonValueKind.String ? body["close"]!.GetValue<string>() : null;
            if (close is not (null or "won" or "lost"))
            {
                return Problem(400, "close is won or lost; leave it out to open a dispute.");
            }

            try
            {
                var reason = body["reason"]?.GetValueKind() == JsonValueKind.String ? body["reason"]!.GetValue<string>() : "fraudulent";
                var dispute = await control.DisputeAsync(id, reason, close, request.HttpContext.RequestAborted);
                return Json(new JsonObject { ["charge"] = id, ["dispute"] = dispute, ["status"] = close ?? "needs_response" });
            }
            catch (KeyNotFoundException exception)
            {
                return Problem(404, exception.Message);
            }
        });

        sandbox.MapPost("/customers/{id}/card", async (string id, HttpRequest request, SandboxControl control) =>
        {
            if (await ReadAsync(request) is not { } body || body["number"]?.GetValueKind() != JsonValueKind.String)
            {
                return Problem(400, "The body must be a JSON object such as {\"number\": \"4242424242424242\"}.");
            }

            try
            {
                var payOpen = body["pay_open_invoices"]?.GetValueKind() == JsonValueKind.True;
                var error = await control.ReplaceCardAsync(id, body["number"]!.GetValue<string>(), payOpen, request.HttpContext.RequestAborted);
                return error is null
                    ? Json(new JsonObject { ["customer"] = id, ["replaced"] = true })
                    : Json(new JsonObject { ["customer"] = id, ["replaced"] = false, ["error"] = CardError(error) }, 402);
            }
            catch (KeyNotFoundException exception)
            {
                return Problem(404, exception.Message);
            }
        });

        sandbox.MapGet("/requests", (SandboxRequests requests) => Json(requests.ToJson()));

        sandbox.MapGet("/meter-events", (SandboxControl control) => Json(new JsonArray([.. control.MeterEvents.Select(e => (JsonNode)new JsonObject
        {
            ["event_name"] = e.EventName,
            ["customer"] = e.CustomerId,
            ["value"] = e.Value,
            ["identifier"] = e.Identifier,
            ["timestamp"] = StripeJson.Unix(e.Timestamp),
            ["created"] = StripeJson.Unix(e.Created),
            ["received"] = e.Received,
        })])));

        sandbox.MapPost("/meter-events/fail", async (HttpRequest request, SandboxControl control) =>
        {
            const string Usage = "The body must be a JSON object such as {\"count\": 2, \"status\": 500}; status is 429 or 5xx.";
            if (await ReadAsync(request) is not { } body
                || Integer(body, "count", 1) is not { } count
                || Integer(body, "status", 500) is not { } status)
            {
                return Problem(400, Usage);
            }

            try
            {
                control.FailNextMeterEventStreamCalls(count, status);
            }
            catch (ArgumentOutOfRangeException)
            {
                return Problem(400, Usage);
            }

            return Json(new JsonObject { ["count"] = count, ["status"] = status });
        });

        sandbox.MapGet("/webhooks", (SandboxControl control, WebhookTarget target) =>
        {
            var status = control.WebhookStatus;
            string? url;
            try
            {
                url = target.Resolve().ToString();
            }
            catch (InvalidOperationException)
            {
                url = null;
            }

            return Json(new JsonObject
            {
                ["url"] = url,
                ["delivered"] = status.Delivered,
                ["pending"] = control.PendingWebhooks,
                ["pending_retry"] = status.PendingRetry,
                ["failed"] = status.FailedForGood,
                ["held"] = status.Held,
                ["last_errors"] = new JsonArray([.. status.LastErrors.Select(e => (JsonNode)new JsonObject
                {
                    ["event"] = e.EventId,
                    ["type"] = e.EventType,
                    ["attempt"] = e.Attempt,
                    ["error"] = e.Error,
                    ["at"] = e.At.ToString("O", CultureInfo.InvariantCulture),
                })]),
            });
        });

        sandbox.MapPost("/webhooks/hold", (SandboxControl control) =>
            Json(new JsonObject { ["held"] = true, ["already"] = !control.HoldWebhooks() }));

        sandbox.MapPost("/webhooks/release", async (HttpRequest request, SandboxControl control) =>
        {
            if (await ReadAsync(request) is not { } body || Integer(body, "concurrency", 1) is not { } concurrency || concurrency is < 1 or > 256)
            {
                return Problem(400, "The body must be a JSON object such as {\"concurrency\": 32}; concurrency is 1 to 256.");
            }

            var sent = await control.ReleaseWebhooksAsync(concurrency);
            return Json(new JsonObject { ["sent"] = sent, ["concurrency"] = concurrency });
        });

        sandbox.MapGet("/rate-limit", (SandboxControl control) => Json(RateLimit(control.RateLimit)));

        sandbox.MapPost("/rate-limit", async (HttpRequest request, SandboxControl control) =>
        {
            const string Usage = "The body must be a JSON object such as {\"requests_per_second\": 100}; null lifts the limit.";
            if (await ReadAsync(request) is not { } body || !body.ContainsKey("requests_per_second"))
            {
                return Problem(400, Usage);
            }

            int? limit = null;
            if (body["requests_per_second"] is not null)
            {
                if (Integer(body, "requests_per_second", 0) is not { } perSecond || perSecond < 1)
                {
                    return Problem(400, Usage);
                }

                limit = perSecond;
            }

            control.LimitRequests(limit);
            return Json(RateLimit(control.RateLimit));
        });

        sandbox.MapPost("/events/redeliver", async (HttpRequest request, SandboxControl control) =>
        {
            if (await ReadAsync(request) is not { } body)
            {
                return Problem(400, "The body must be a JSON object such as {\"shuffle\": true, \"duplicates\": 2, \"seed\": 7}.");
            }

            var duplicates = (int)Number(body, "duplicates");
            if (duplicates < 0)
            {
                return Problem(400, "duplicates must be zero or more.");
            }

            var shuffle = body["shuffle"]?.GetValueKind() == JsonValueKind.True;
            int? seed = body["seed"]?.GetValueKind() == JsonValueKind.Number ? body["seed"]!.GetValue<int>() : null;
            var result = await control.RedeliverAsync(shuffle, duplicates, seed, request.HttpContext.RequestAborted);
            return Json(new JsonObject { ["sent"] = result.Sent, ["succeeded"] = result.Succeeded });
        });
    }

    private static JsonObject RateLimit(SandboxRateLimitStatus status) => new()
    {
        ["requests_per_second"] = status.RequestsPerSecond,
        ["refused"] = status.Refused,
        ["admitted"] = status.Admitted,
    };

    private static JsonObject Clock(DateTimeOffset now) => new()
    {
        ["now"] = now.ToString("O", CultureInfo.InvariantCulture),
        ["unix"] = now.ToUnixTimeSeconds(),
    };

    private static JsonObject CardError(SandboxCardError error) => new()
    {
        ["type"] = "card_error",
        ["code"] = error.Code,
        ["decline_code"] = error.DeclineCode,
        ["message"] = error.Message,
    };

    private static double Number(JsonObject body, string name) =>
        body[name]?.GetValueKind() == JsonValueKind.Number ? body[name]!.GetValue<double>() : 0;

    private static IResult Problem(int status, string message) =>
        Json(new JsonObject { ["error"] = new JsonObject { ["type"] = "invalid_request_error", ["message"] = message } }, status);
}
