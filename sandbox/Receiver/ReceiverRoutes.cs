using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OrleansBilling.Sandbox.Pages;
using static OrleansBilling.Sandbox.Control.SandboxJson;

namespace OrleansBilling.Sandbox.Receiver;

/// <summary>
/// The receiver under <c>/sandbox/receiver</c>: <c>POST</c> takes an event (204 when it verifies, 400 when not),
/// <c>GET</c> shows what arrived, <c>/events</c> as JSON, and <c>/fail</c> makes the next requests fail.
/// </summary>
internal static class ReceiverRoutes
{
    public const string Path = "/sandbox/receiver";

    public static void Map(IEndpointRouteBuilder app)
    {
        var receiver = app.MapGroup(Path);
        receiver.ExcludeFromDescription();

        receiver.MapPost("", async (HttpRequest request, SandboxReceiver events) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            var entry = events.Receive(request.Headers, await reader.ReadToEndAsync());
            return entry.Verified && entry.Status < 300
                ? Results.StatusCode(entry.Status)
                : Results.Text(entry.Refusal ?? "refused", statusCode: entry.Status);
        });

        receiver.MapGet("", (SandboxReceiver events) => HtmlPage.Result("Receiver", Page(events.Received), sandbox: HtmlPage.Receiver));

        receiver.MapGet("/events", (SandboxReceiver events) => Json(new JsonArray([.. events.Received.Select(ToJson)])));

        receiver.MapDelete("/events", (SandboxReceiver events) =>
        {
            events.Clear();
            return Results.NoContent();
        });

        receiver.MapPost("/fail", async (HttpRequest request, SandboxReceiver events) =>
        {
            const string Usage = "The body must be a JSON object such as {\"count\": 3, \"status\": 500}; status is 4xx or 5xx.";
            if (await ReadAsync(request) is not { } body || Integer(body, "count", 1) is not { } count || Integer(body, "status", 500) is not { } status)
            {
                return Json(new JsonObject { ["code"] = "invalid_parameter", ["message"] = Usage }, 400);
            }

            try
            {
                events.FailNext(count, status);
            }
            catch (ArgumentOutOfRangeException)
            {
                return Json(new JsonObject { ["code"] = "invalid_parameter", ["message"] = Usage }, 400);
            }

            return Json(new JsonObject { ["count"] = count, ["status"] = status });
        });
    }

    private static JsonNode ToJson(SandboxReceivedEvent e) => new JsonObject
    {
        ["id"] = e.Id,
        ["receivedAt"] = e.ReceivedAt.ToString("O", CultureInfo.InvariantCulture),
        ["status"] = e.Status,
        ["verified"] = e.Verified,
        ["refusal"] = e.Refusal,
        ["duplicate"] = e.Duplicate,
        ["type"] = e.Type,
        ["customer"] = e.Customer,
        ["version"] = e.Version,
    };

    private static string Page(IReadOnlyList<SandboxReceivedEvent> received)
    {
        var html = new StringBuilder();
        html.Append("<h1>Receiver</h1><p>Events the service sent to this product's endpoint, newest first, each checked as a product would: ")
            .Append("its Standard Webhooks signature and timestamp, and its <code>webhook-id</code> against what already arrived.</p>");
        if (received.Count == 0)
        {
            html.Append("<p>No event yet.</p>");
            return html.ToString();
        }

        html.Append("<table><tr><th>Received</th><th>Event</th><th>Customer</th><th>Version</th><th>Check</th></tr>");
        foreach (var e in received.Reverse())
        {
            html.Append("<tr><td>").Append(HtmlPage.Date(e.ReceivedAt)).Append("</td><td><strong>").Append(HtmlPage.Encode(e.Type ?? "?"))
                .Append("</strong><br><small><code>").Append(HtmlPage.Encode(e.Id)).Append("</code></small></td><td>")
                .Append(HtmlPage.Encode(e.Customer ?? "")).Append("</td><td>").Append(e.Version?.ToString(CultureInfo.InvariantCulture) ?? "")
                .Append("</td><td class=\"check\">")
                .Append(e.Status >= 300 ? $"<span class=\"error\">{e.Status}: {HtmlPage.Encode(e.Refusal)}</span>"
                    : e.Duplicate ? "verified · duplicate, dropped" : "<span class=\"ok\">verified</span>")
                .Append("</td></tr>");
        }

        html.Append("</table>");
        return html.ToString();
    }
}
