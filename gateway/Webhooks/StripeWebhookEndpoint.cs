using Microsoft.Extensions.Options;
using OrleansBilling.Gateway.Auth;
using OrleansBilling.Gateway.Problems;
using OrleansBilling.Gateway.Telemetry;
using OrleansBilling.GrainInterfaces.Webhooks;
using Stripe;

namespace OrleansBilling.Gateway.Webhooks;

/// <summary>
/// <c>POST /webhooks/stripe</c>, transport only: read the raw body as received, verify its signature
/// and age against the real clock, check the API version, and hand the event to its inbox grain.
/// 2xx only once the inbox says the outcome is durable. A body that is no event (no JSON object, no
/// usable id) or an event rendered in another API version is a 400 that changes nothing; a signed
/// event with an id is always stored and answered, unreadable or not (<see cref="StripeWebhookReader"/>).
/// </summary>
public static class StripeWebhookEndpoint
{
    public const string Path = "/webhooks/stripe";

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
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithBodyLimit(BodyLimits.Webhook);
        return app;
    }

    private static async Task<IResult> Receive(HttpContext http, IGrainFactory grains, IOptions<StripeWebhookOptions> options, FailedAttempts attempts, GatewayMetrics metrics)
    {
        // The signature is checked before anything else: an event Stripe signed is received whatever
        // others sent from its address (Stripe's addresses are shared by every Stripe account).
        // The route's limit (BodyLimits.Webhook) refuses a larger body before or while it is read.
        var body = await ReadBodyAsync(http.Request);

        string? signature = http.Request.Headers["Stripe-Signature"];
        if (string.IsNullOrWhiteSpace(signature))
        {
            metrics.Webhook(GatewayMetrics.Unverified, "unsigned");
            return Unsigned(http, attempts, "The Stripe-Signature header is missing.");
        }

        try
        {
            // Stripe signs with the real time of delivery: the tolerance is checked against the real clock.
            EventUtility.ValidateSignature(body, signature, options.Value.WebhookSecret, options.Value.ToleranceSeconds, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        }
        catch (StripeException)
        {
            metrics.Webhook(GatewayMetrics.Unverified, "unsigned");
            return Unsigned(http, attempts, "The signature does not verify, or its timestamp is outside the tolerance.");
        }

        if (StripeWebhookReader.Read(body) is not { } webhook)
        {
            metrics.Webhook(GatewayMetrics.Unverified, "rejected");
            return Rejected("The body is not a Stripe event: a JSON object with an id of the form evt_… is required.");
        }

        // A version readable and not ours is the endpoint's setting at Stripe: refused, so Stripe
        // delivers again once it is set right. An unreadable one is the event's own defect.
        if (webhook.ApiVersion != StripeWebhookReader.Unknown && !webhook.ApiVersion.EndsWith("." + PinnedRelease, StringComparison.Ordinal))
        {
            metrics.Webhook(webhook.Type, "rejected");
            return Rejected($"Events must be rendered in API version {StripeConfiguration.ApiVersion}, not {webhook.ApiVersion}: set the endpoint's version at Stripe.");
        }

        WebhookOutcome outcome;
        try
        {
            outcome = await grains.GetGrain<IStripeEventGrain>(StripeWebhook.InboxKeyOf(webhook.EventId)).Receive(webhook);
        }
        catch
        {
            metrics.Webhook(webhook.Type, "failed");
            throw;
        }

        metrics.Webhook(webhook.Type, outcome.Repeated ? "repeated" : outcome.Outcome);
        return Results.Ok(outcome);
    }

    /// <summary>The body as text, exactly as sent.</summary>
    private static async Task<string> ReadBodyAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, System.Text.Encoding.UTF8);
        return await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
    }

    /// <summary>A failed authentication: 400, or 429 once the client has failed too often.</summary>
    private static IResult Unsigned(HttpContext http, FailedAttempts attempts, string detail) =>
        attempts.Count(http, FailedAttempts.Surface.Webhook) ? Rejected(detail) : attempts.TooMany(http);

    private static IResult Rejected(string detail) => Results.Problem(
        type: ProblemTypes.InvalidWebhook, statusCode: StatusCodes.Status400BadRequest, title: "Webhook rejected", detail: detail);
}
