using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Stripe;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>Stripe events as Stripe sends them: JSON in the current shape, signed like Stripe signs.</summary>
public static class StripeEvents
{
    public static string Json(string id, string type, JsonObject dataObject, DateTimeOffset created, string apiVersion = "2026-10-28.endive") =>
        new JsonObject
        {
            ["id"] = id,
            ["object"] = "event",
            ["api_version"] = apiVersion,
            ["created"] = created.ToUnixTimeSeconds(),
            ["data"] = new JsonObject { ["object"] = dataObject },
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
            ["type"] = type,
        }.ToJsonString();

    /// <summary>An invoice of a subscription whose metadata names the product and customer.</summary>
    public static JsonObject Invoice(string id, string subscriptionId, string product, string customer, string status = "open", long amount = 900) => new()
    {
        ["id"] = id,
        ["object"] = "invoice",
        ["customer"] = "cus_" + customer,
        ["status"] = status,
        ["amount_due"] = amount,
        ["amount_paid"] = status == "paid" ? amount : 0,
        ["currency"] = "usd",
        ["hosted_invoice_url"] = $"https://invoice.test/{id}",
        ["parent"] = new JsonObject
        {
            ["type"] = "subscription_details",
            ["subscription_details"] = new JsonObject
            {
                ["subscription"] = subscriptionId,
                ["metadata"] = new JsonObject { ["product"] = product, ["customer"] = customer },
            },
        },
    };

    /// <summary>A subscription whose metadata names the product and customer.</summary>
    public static JsonObject Subscription(string id, string product, string customer, string status = "active") => new()
    {
        ["id"] = id,
        ["object"] = "subscription",
        ["customer"] = "cus_" + customer,
        ["status"] = status,
        ["metadata"] = new JsonObject { ["product"] = product, ["customer"] = customer },
    };

    /// <summary>The <c>Stripe-Signature</c> header for <paramref name="json"/> at <paramref name="timestamp"/>.</summary>
    public static string Signature(string json, string secret, DateTimeOffset timestamp) =>
        EventUtility.GenerateSignatureHeader(json, secret, timestamp.ToUnixTimeSeconds());

    /// <summary>Posts a body to the webhook endpoint, signed now with the given secret unless a header is given.</summary>
    public static Task<HttpResponseMessage> DeliverAsync(this HttpClient client, string json, string? signature, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }

        return client.SendAsync(request, cancellationToken);
    }

    public static async Task<JsonElement> OutcomeAsync(this HttpResponseMessage response, CancellationToken cancellationToken) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement;
}
