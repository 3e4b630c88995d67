using System.Text.Json;
using Microsoft.Extensions.Options;
using OrleansBilling.Gateway.Problems;
using OrleansBilling.GrainInterfaces.Webhooks;
using Stripe;

namespace OrleansBilling.Gateway.Webhooks;

/// <summary>
/// <c>POST /webhooks/stripe</c>, transport only: read the raw body as received, verify its signature
/// and age against the real clock, check the API version, and hand the event to its inbox grain.
/// 2xx only once the inbox says the outcome is durable; bad input is a 4xx that changes nothing.
/// </summary>
public static class StripeWebhookEndpoint
{
    public const string Path = "/webhooks/stripe";
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>The part of the pinned API version that events must match (Stripe.net's <c>…endive</c>).</summary>
    private static readonly string PinnedRelease = StripeConfiguration.ApiVersion[(StripeConfiguration.ApiVersion.IndexOf('.', StringComparison.Ordinal) + 1)..];

    public static IEndpointRouteBuilder MapStripeWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, Receive)
            .WithTags("Webhooks")
            .WithName("StripeWebhook")
            .WithSummary("Stripe events (signed; not for product services)")
            .Produces<WebhookOutcome>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return app;
    }

    private static async Task<IResult> Receive(HttpContext http, IGrainFactory grains, IOptions<StripeWebhookOptions> options)
    {
        if (http.Request.ContentLength > MaxBodyBytes)
        {
            return TooLarge();
        }

        var body = await ReadBodyAsync(http.Request);
        if (body is null)
        {
            return TooLarge();
        }

        string? signature = http.Request.Headers["Stripe-Signature"];
        if (string.IsNullOrWhiteSpace(signature))
        {
            return Rejected("The Stripe-Signature header is missing.");
        }

        try
        {
            // Stripe signs with the real time of delivery: the tolerance is checked against the real clock.
            EventUtility.ValidateSignature(body, signature, options.Value.WebhookSecret, options.Value.ToleranceSeconds, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        }
        catch (StripeException)
        {
            return Rejected("The signature does not verify, or its timestamp is outside the tolerance.");
        }

        if (Parse(body) is not { } webhook)
        {
            return Rejected("The body is not a Stripe event (id, type, api_version, created and data.object are required).");
        }

        if (!webhook.ApiVersion.EndsWith("." + PinnedRelease, StringComparison.Ordinal))
        {
            return Rejected($"Events must be rendered in API version {StripeConfiguration.ApiVersion}, not {webhook.ApiVersion}: set the endpoint's version at Stripe.");
        }

        var outcome = await grains.GetGrain<IStripeEventGrain>($"stripe-event/{webhook.EventId}").Receive(webhook);
        return Results.Ok(outcome);
    }

    /// <summary>The body as text, exactly as sent; null when it is larger than <see cref="MaxBodyBytes"/>.</summary>
    private static async Task<string?> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static StripeWebhook? Parse(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !TryString(root, "id", out var id) || !id.StartsWith("evt_", StringComparison.Ordinal) || id.Length > 255
                || !TryString(root, "type", out var type)
                || !TryString(root, "api_version", out var apiVersion)
                || !root.TryGetProperty("created", out var created) || !created.TryGetInt64(out var createdUnix)
                || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
                || !data.TryGetProperty("object", out var dataObject) || dataObject.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            return new StripeWebhook(id, type, apiVersion, DateTimeOffset.FromUnixTimeSeconds(createdUnix), body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool TryString(JsonElement element, string name, out string value)
    {
        value = element.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.String ? property.GetString()! : "";
        return value.Length > 0;
    }

    private static IResult Rejected(string detail) => Results.Problem(
        type: ProblemTypes.InvalidWebhook, statusCode: StatusCodes.Status400BadRequest, title: "Webhook rejected", detail: detail);

    private static IResult TooLarge() => Results.Problem(
        type: ProblemTypes.PayloadTooLarge,
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Payload too large",
        detail: $"Webhook bodies are limited to {MaxBodyBytes} bytes.");
}
