using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OrleansBilling.Sandbox.Pages;
using static OrleansBilling.Sandbox.Control.SandboxJson;

namespace OrleansBilling.Sandbox.Brevo;

/// <summary>
/// The Brevo emulator under <c>/sandbox/brevo/v3</c> (the Brevo client's base address), its failure switch,
/// and the mailbox: <c>/sandbox/emails</c> as JSON, <c>/sandbox/mailbox</c> as a page.
/// </summary>
internal static class BrevoRoutes
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var sandbox = app.MapGroup("/sandbox");
        sandbox.ExcludeFromDescription();

        sandbox.MapPost("/brevo/v3/smtp/email", BrevoSmtpApi.SendAsync);

        // Anything else answers like a URL Brevo does not know.
        sandbox.Map("/brevo/v3/{**rest}", (HttpContext context) => Json(
            new JsonObject { ["code"] = "not_found", ["message"] = $"Invalid route ({context.Request.Method} {context.Request.Path}). The sandbox emulates only POST /v3/smtp/email." },
            404));

        sandbox.MapPost("/brevo/fail", async (HttpRequest request, SandboxMailbox mailbox) =>
        {
            const string Usage = "The body must be a JSON object such as {\"count\": 2, \"status\": 429, \"resetSeconds\": 1}; status is 429 or 5xx.";
            if (await ReadAsync(request) is not { } body
                || Integer(body, "count", 1) is not { } count
                || Integer(body, "status", 500) is not { } status
                || Integer(body, "resetSeconds", 0) is not { } reset)
            {
                return Json(Error(Usage), 400);
            }

            try
            {
                mailbox.FailNext(count, status, reset);
            }
            catch (ArgumentOutOfRangeException)
            {
                return Json(Error(Usage), 400);
            }

            return Json(new JsonObject { ["count"] = count, ["status"] = status, ["resetSeconds"] = reset });
        });

        sandbox.MapGet("/emails", (SandboxMailbox mailbox) => Json(new JsonArray([.. mailbox.Emails.Select(ToJson)])));

        sandbox.MapDelete("/emails", (SandboxMailbox mailbox) =>
        {
            mailbox.Clear();
            return Results.NoContent();
        });

        sandbox.MapGet("/mailbox", (SandboxMailbox mailbox) => HtmlPage.Result("Mailbox", MailboxPage.Body(mailbox.Emails), sandbox: HtmlPage.Brevo));
    }

    private static JsonNode ToJson(SandboxEmail email) => new JsonObject
    {
        ["messageId"] = email.MessageId,
        ["to"] = new JsonArray([.. email.To.Select(to => (JsonNode)new JsonObject { ["email"] = to.Email, ["name"] = to.Name })]),
        ["templateId"] = email.TemplateId,
        ["subject"] = email.Subject,
        ["params"] = new JsonObject(email.Params.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
        ["tags"] = new JsonArray([.. email.Tags.Select(t => (JsonNode)t)]),
        ["idempotencyKey"] = email.IdempotencyKey,
        ["receivedAt"] = email.ReceivedAt.ToString("O", CultureInfo.InvariantCulture),
    };

    private static JsonObject Error(string message) => new() { ["code"] = "invalid_parameter", ["message"] = message };
}
