using System.Text.Json.Nodes;
using Stripe;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// Stripe's own example objects (<c>../shared/stripe/fixtures3.json</c>, one per resource type, in the
/// current API shapes), turned into events as Stripe sends them and parsed by Stripe.net, so a handler
/// is tested against what Stripe really sends rather than what a test author imagined.
/// </summary>
public static class StripeFixtures
{
    private static readonly Lazy<JsonObject> Resources = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "stripe-fixtures3.json");
        if (!System.IO.File.Exists(path))
        {
            throw new FileNotFoundException($"Stripe's fixtures are copied from ../shared/stripe/fixtures3.json beside the project at build time; {path} is missing.", path);
        }

        return JsonNode.Parse(System.IO.File.ReadAllText(path))!["resources"]!.AsObject();
    });

    /// <summary>A fresh copy of Stripe's example of <paramref name="resource"/> (<c>invoice</c>, <c>checkout.session</c>).</summary>
    public static JsonObject Example(string resource) =>
        Resources.Value[resource]?.DeepClone().AsObject() ?? throw new ArgumentException($"Stripe's fixtures have no '{resource}'.", nameof(resource));

    /// <summary>
    /// Stripe's example event, of <paramref name="type"/>, about <paramref name="dataObject"/>, at the pinned API
    /// version, parsed by Stripe.net as the webhook inbox parses it.
    /// </summary>
    public static Event Event(string type, JsonObject dataObject, string id = "evt_fixture")
    {
        var json = Example("event");
        json["id"] = id;
        json["type"] = type;
        json["api_version"] = StripeConfiguration.ApiVersion;
        json["data"] = new JsonObject { ["object"] = dataObject };
        return EventUtility.ParseEvent(json.ToJsonString(), throwOnApiVersionMismatch: false);
    }

    /// <summary>Metadata naming this service's product and customer, as on every object the service creates.</summary>
    public static JsonObject Metadata(string product = "demo", string customer = "c1") => new() { ["product"] = product, ["customer"] = customer };
}
