using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansBilling.Sandbox;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.EndToEnd;

/// <summary>
/// Stripe's own events sent again as new events: a fresh <c>evt_</c> id (so the service's de-duplication
/// by event id cannot hide what it does), the same object, signed now with the webhook secret.
/// </summary>
internal static class FreshEvents
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>The events whose object belongs to the Stripe customer, oldest first.</summary>
    public static IReadOnlyList<SandboxEvent> Of(this SandboxControl sandbox, string stripeCustomerId) =>
        [.. sandbox.Events.Where(e => BelongsTo(e, stripeCustomerId))];

    /// <summary>
    /// <paramref name="original"/> as a new event with a fresh id; <paramref name="type"/> and
    /// <paramref name="change"/> render it as a different event about the same object.
    /// </summary>
    public static string AsNew(SandboxEvent original, string? type = null, Action<JsonObject>? change = null)
    {
        var json = JsonNode.Parse(original.Json)!.AsObject();
        json["id"] = $"evt_fresh_{Guid.NewGuid():N}";
        if (type is not null)
        {
            json["type"] = type;
        }

        change?.Invoke(json["data"]!["object"]!.AsObject());
        return json.ToJsonString();
    }

    /// <summary>Posts a fresh event, signed as Stripe signs, and returns the service's outcome (which must be 2xx).</summary>
    public static async Task<JsonElement> DeliverFreshAsync(this HttpClient client, string json)
    {
        using var response = await client.DeliverAsync(json, StripeEvents.Signature(json, BillingService.WebhookSecret, DateTimeOffset.UtcNow), Cancellation);
        var outcome = await response.OutcomeAsync(Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"The webhook answered {(int)response.StatusCode}: {outcome}");
        return outcome;
    }

    private static bool BelongsTo(SandboxEvent e, string stripeCustomerId)
    {
        var dataObject = JsonNode.Parse(e.Json)!["data"]!["object"]!;
        return dataObject["customer"]?.GetValue<string>() == stripeCustomerId || dataObject["id"]?.GetValue<string>() == stripeCustomerId;
    }
}
