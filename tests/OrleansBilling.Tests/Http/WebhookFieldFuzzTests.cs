using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OrleansBilling.Grains.Stripe.Webhooks;
using OrleansBilling.Silo.Webhooks;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Http;

/// <summary>
/// Signed events of every type this service handles, each field of Stripe's own example given the
/// wrong JSON type in turn (issue 10 §1): all answered 2xx, none left without an outcome. A service
/// of its own, so its hundreds of anomalies crowd no other test's listing.
/// </summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class WebhookFieldFuzzTests(BillingService service) : IClassFixture<BillingService>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private InMemoryStripeEventStore Inbox => service.Services.GetRequiredService<InMemoryStripeEventStore>();

    /// <summary>
    /// Every handled type, Stripe's own example of its object, every top-level field of it given a
    /// value of another JSON type in turn: each delivery is answered 2xx with an outcome stored.
    /// </summary>
    [Fact]
    public async Task Every_field_of_every_handled_type_with_a_wrong_type_gets_an_answer_and_an_outcome()
    {
        using var api = service.Client();
        await service.ActivateAsync(api, "fuzz_fields");
        using var client = service.Client(apiKey: null);
        var failures = new List<string>();
        var unreadable = 0;
        var delivered = 0;

        foreach (var type in StripeEventHandlers.HandledTypes.Order(StringComparer.Ordinal))
        {
            var example = ExampleFor(type, "fuzz_fields");
            foreach (var field in example.Select(p => p.Key).ToList())
            {
                var data = example.DeepClone().AsObject();
                data[field] = WrongTypeFor(data[field]);
                var id = $"evt_fuzz_{delivered++}";
                var json = StripeEvents.Json(id, type, data, service.Clock.GetUtcNow());

                using var response = await client.DeliverAsync(json, Signed(json), Cancellation);

                var outcome = Inbox.Events.SingleOrDefault(e => e.Webhook.EventId == id)?.Outcome?.Outcome;
                if (response.StatusCode != HttpStatusCode.OK || outcome is null)
                {
                    failures.Add($"{type} {field}: {(int)response.StatusCode}, outcome {outcome ?? "none"}");
                }

                unreadable += outcome == StripeEventGrain.Unreadable ? 1 : 0;
            }
        }

        Assert.Empty(failures);
        Assert.True(delivered > 500, $"Only {delivered} deliveries: the examples lost their fields.");
        Assert.True(unreadable > 0, "No wrong type made an event unreadable: Stripe.net reads everything, or the test sends nothing wrong.");
    }

    /// <summary>Stripe's example of the type's object, routed to <paramref name="customer"/> of the demo product.</summary>
    private static JsonObject ExampleFor(string type, string customer)
    {
        var resource = type switch
        {
            _ when type.StartsWith("checkout.session.", StringComparison.Ordinal) => "checkout.session",
            _ when type.StartsWith("customer.subscription.", StringComparison.Ordinal) => "subscription",
            _ when type.StartsWith("customer.", StringComparison.Ordinal) => "customer",
            _ when type.StartsWith("invoice.", StringComparison.Ordinal) => "invoice",
            _ when type.StartsWith("charge.", StringComparison.Ordinal) => "charge",
            _ when type.StartsWith("refund.", StringComparison.Ordinal) => "refund",
            _ => throw new ArgumentException($"No example object for {type}: add its resource here.", nameof(type)),
        };
        var example = StripeFixtures.Example(resource);
        var routed = resource switch
        {
            "invoice" => StripeEvents.Invoice($"in_{customer}_fuzz", BillingApi.ProviderSubscriptionOf(customer), "demo", customer),
            "subscription" => StripeEvents.Subscription(BillingApi.ProviderSubscriptionOf(customer), "demo", customer),
            "customer" => new JsonObject { ["id"] = $"cus_{customer}", ["metadata"] = StripeFixtures.Metadata(customer: customer) },
            _ => new JsonObject { ["customer"] = $"cus_{customer}", ["metadata"] = StripeFixtures.Metadata(customer: customer) },
        };
        foreach (var (name, value) in routed)
        {
            example[name] = value?.DeepClone();
        }

        return example;
    }

    /// <summary>A value of another JSON type than <paramref name="value"/>'s.</summary>
    private static JsonNode? WrongTypeFor(JsonNode? value) => value?.GetValueKind() switch
    {
        System.Text.Json.JsonValueKind.Number => "not a number",
        System.Text.Json.JsonValueKind.String => new JsonObject { ["nested"] = new JsonArray(1, 2) },
        System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "maybe",
        System.Text.Json.JsonValueKind.Object => new JsonArray(1, "two"),
        System.Text.Json.JsonValueKind.Array => 12345,
        _ => new JsonArray(new JsonArray()),
    };

    private static string Signed(string json) => StripeEvents.Signature(json, BillingService.WebhookSecret, DateTimeOffset.UtcNow);
}
