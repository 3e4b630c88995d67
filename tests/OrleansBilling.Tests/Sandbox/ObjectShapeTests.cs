using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansBilling.Tests.Infrastructure;
using Stripe;
using Xunit;

namespace OrleansBilling.Tests.Sandbox;

/// <summary>
/// Every object the sandbox answers has the fields of Stripe's own example of it
/// (<c>../shared/stripe/fixtures3.json</c>, the current API shapes), no field that neither that example
/// nor Stripe.net's type of it has, and values of the same JSON kind (issue 11 §6). Nested objects are
/// compared the same way, lists by their first element when both have one; where either side is null,
/// any value is allowed (the example cannot say which fields are nullable). Metadata is the caller's own;
/// an event's object is compared with the example of its type.
/// </summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class ObjectShapeTests
{
    private static readonly Dictionary<string, Type> Models = new()
    {
        ["customer"] = typeof(Customer),
        ["checkout.session"] = typeof(Stripe.Checkout.Session),
        ["subscription"] = typeof(Subscription),
        ["subscription_item"] = typeof(SubscriptionItem),
        ["price"] = typeof(Price),
        ["invoice"] = typeof(Invoice),
        ["invoice_payment"] = typeof(InvoicePayment),
        ["payment_intent"] = typeof(PaymentIntent),
        ["charge"] = typeof(Charge),
        ["refund"] = typeof(Refund),
        ["billing_portal.session"] = typeof(Stripe.BillingPortal.Session),
        ["billing_portal.configuration"] = typeof(Stripe.BillingPortal.Configuration),
        ["billing.meter_event"] = typeof(Stripe.Billing.MeterEvent),
        ["event"] = typeof(Event),
        ["dispute"] = typeof(Dispute),
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_object_the_service_reads_has_Stripe_s_shape()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var paid = await sandbox.SubscribeAsync();
        var invoice = await RawAsync(sandbox, $"invoices/{paid.InvoiceId}?expand[]=payments");
        var paymentIntentId = invoice["payments"]!["data"]![0]!["payment"]!["payment_intent"]!.GetValue<string>();
        var paymentIntent = await RawAsync(sandbox, $"payment_intents/{paymentIntentId}");
        var refund = await sandbox.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = paymentIntentId, Amount = 100 }, cancellationToken: Ct);
        var open = await sandbox.CreateCheckoutAsync();
        var portalConfiguration = await sandbox.Stripe.V1.BillingPortal.Configurations.CreateAsync(
            new Stripe.BillingPortal.ConfigurationCreateOptions
            {
                Features = new() { InvoiceHistory = new() { Enabled = true }, SubscriptionCancel = new() { Enabled = true, Mode = "at_period_end" } },
            },
            cancellationToken: Ct);
        var portal = await sandbox.Stripe.V1.BillingPortal.Sessions.CreateAsync(
            new Stripe.BillingPortal.SessionCreateOptions { Customer = paid.CustomerId, ReturnUrl = "https://app.example/account" }, cancellationToken: Ct);
        var meterEvent = await sandbox.Stripe.V1.Billing.MeterEvents.CreateAsync(
            new Stripe.Billing.MeterEventCreateOptions { EventName = "api_calls", Payload = new Dictionary<string, string> { ["stripe_customer_id"] = paid.CustomerId!, ["value"] = "3" } },
            cancellationToken: Ct);
        var subscription = await RawAsync(sandbox, $"subscriptions/{paid.SubscriptionId}");
        await sandbox.Control.DisputeAsync(paymentIntent["latest_charge"]!.GetValue<string>(), cancellationToken: Ct);

        IEnumerable<(string Resource, JsonObject Actual)> objects = new (string, JsonObject)[]
        {
            ("customer", await RawAsync(sandbox, $"customers/{paid.CustomerId}")),
            ("checkout.session", await RawAsync(sandbox, $"checkout/sessions/{open.Id}")),
            ("subscription", subscription),
            ("subscription_item", subscription["items"]!["data"]![0]!.AsObject()),
            ("price", await RawAsync(sandbox, $"prices/{SandboxHost.Basic}")),
            ("price", await RawAsync(sandbox, $"prices/{SandboxHost.BasicCalls}")),
            ("billing_portal.configuration", await RawAsync(sandbox, $"billing_portal/configurations/{portalConfiguration.Id}")),
            ("invoice", invoice),
            ("invoice_payment", invoice["payments"]!["data"]![0]!.AsObject()),
            ("payment_intent", paymentIntent),
            ("charge", await RawAsync(sandbox, $"charges/{paymentIntent["latest_charge"]!.GetValue<string>()}")),
            ("refund", await RawAsync(sandbox, $"refunds/{refund.Id}")),
            ("billing_portal.session", Parse(portal.RawJObject.ToString())),
            ("billing.meter_event", Parse(meterEvent.RawJObject.ToString())),
        }.Concat(sandbox.Receiver.Events.DistinctBy(e => e.Type).Select(e => ("event", Parse(e.RawJObject.ToString()))));

        // The payments of an invoice are includable: only there when asked for, as at Stripe.
        Assert.False((await RawAsync(sandbox, $"invoices/{paid.InvoiceId}")).ContainsKey("payments"));
        Assert.All(sandbox.Receiver.Events.Where(e => e.Type.StartsWith("invoice.", StringComparison.Ordinal)), e => Assert.Null(e.Data.RawObject["payments"]));

        var differences = objects.SelectMany(o => Differences(StripeFixtures.Example(o.Resource), o.Actual, o.Resource, Models[o.Resource])).Distinct().ToList();
        Assert.True(differences.Count == 0, $"{differences.Count} differences from Stripe's shapes:\n{string.Join("\n", differences)}");
    }

    /// <summary>What differs between Stripe's example (and Stripe.net's <paramref name="model"/>) and the sandbox's object, one line each.</summary>
    public static IEnumerable<string> Differences(JsonNode? expected, JsonNode? actual, string path, Type? model)
    {
        switch (expected, actual)
        {
            case (null, _) or (_, null):
                yield break;
            case (JsonObject, JsonObject) when path.EndsWith(".metadata", StringComparison.Ordinal) || path.EndsWith(".previous_attributes", StringComparison.Ordinal):
                yield break;
            case (JsonObject, JsonObject a) when path == "event.data.object" && a["object"]?.GetValue<string>() is { } type:
                foreach (var difference in Differences(StripeFixtures.Example(type), a, type, Models.GetValueOrDefault(type)))
                {
                    yield return difference;
                }

                break;
            case (JsonObject e, JsonObject a):
                foreach (var (name, value) in e)
                {
                    if (!a.ContainsKey(name))
                    {
                        yield return $"{path}.{name}: missing";
                        continue;
                    }

                    foreach (var difference in Differences(value, a[name], $"{path}.{name}", Property(model, name)))
                    {
                        yield return difference;
                    }
                }

                foreach (var (name, _) in a.Where(p => !e.ContainsKey(p.Key) && Property(model, p.Key) is null))
                {
                    yield return $"{path}.{name}: not in Stripe's shape";
                }

                break;
            case (JsonArray e, JsonArray a):
                if (e.Count > 0 && a.Count > 0)
                {
                    foreach (var difference in Differences(e[0], a[0], $"{path}[0]", Element(model)))
                    {
                        yield return difference;
                    }
                }

                break;
            default:
                var (expectedKind, actualKind) = (Kind(expected), Kind(actual));
                if (expectedKind != actualKind)
                {
                    yield return $"{path}: {actualKind} where Stripe has {expectedKind}";
                }

                break;
        }
    }

    /// <summary>The type of the property Stripe.net reads for the JSON field <paramref name="name"/>, or null when it has none.</summary>
    private static Type? Property(Type? model, string name)
    {
        if (model is null || model == typeof(object))
        {
            return null;
        }

        var property = model.GetProperties(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic).FirstOrDefault(p => p.GetCustomAttributesData().Any(a =>
            a.AttributeType.Name is "JsonPropertyAttribute" or "JsonPropertyNameAttribute"
            && a.ConstructorArguments.Count == 1 && a.ConstructorArguments[0].Value as string == name));
        return property?.PropertyType;
    }

    /// <summary>The element type of a list (<c>StripeList&lt;T&gt;</c>, <c>List&lt;T&gt;</c>), or the type itself for an object.</summary>
    private static Type? Element(Type? type) =>
        type?.IsGenericType == true && type.GetGenericArguments() is [var element] ? element : type;

    private static string Kind(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.True or JsonValueKind.False => "boolean",
        var kind => kind.ToString().ToLowerInvariant(),
    };

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    private static async Task<JsonObject> RawAsync(SandboxHost sandbox, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/sandbox/stripe/v1/{path}", UriKind.Relative));
        request.Headers.Authorization = new("Bearer", SandboxHost.TestKey);
        using var response = await sandbox.Http.SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return Parse(body);
    }
}
