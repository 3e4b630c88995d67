using System.Text.Json.Nodes;
using OrleansBilling.Grains.Stripe.Webhooks;
using OrleansBilling.Tests.Infrastructure;
using Stripe;
using Xunit;

namespace OrleansBilling.Tests.Webhooks;

/// <summary>
/// <see cref="SubscriptionEventReader"/> against Stripe.net's whole parse (issue 16): over thousands of events built from
/// Stripe's example subscription, every field a route takes given values of every shape in turn, the reader either
/// answers exactly Stripe.net's route or leaves the event to Stripe.net. The one difference, decided and tested below: a
/// field no route takes is not read, so a wrong type there no longer makes the event unreadable.
/// </summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class SubscriptionEventReaderTests
{
    private const string Updated = EventTypes.CustomerSubscriptionUpdated;

    /// <summary>The shapes each field a route takes is given; a null is JSON's null or, half the time, the field left out.</summary>
    private static readonly Dictionary<string, Func<JsonNode?>[]> SubscriptionShapes = new()
    {
        ["object"] = [() => "subscription", () => "invoice", () => null, () => 7],
        ["id"] = [() => "sub_1", () => null, () => null, () => 12],
        ["customer"] = [() => "cus_1", () => null, () => null, () => new JsonObject { ["id"] = "cus_2", ["object"] = "customer" }, () => 3],
        ["metadata"] =
        [
            () => StripeFixtures.Metadata(), () => StripeFixtures.Metadata(customer: "c_other"), () => new JsonObject(), () => null,
            () => null, () => new JsonObject { ["product"] = "demo", ["customer"] = 5 },
            () => new JsonObject { ["product"] = "demo", ["customer"] = null },
            () => new JsonObject { ["product"] = "no such/thing", ["customer"] = "c1" }, () => "demo/c1", () => new JsonArray("demo"),
        ],
        ["status"] = [() => "active", () => "past_due", () => "canceled", () => null, () => null, () => true],
        ["cancel_at_period_end"] = [() => true, () => false, () => null, () => null, () => "yes", () => 1],
        ["trial_end"] = Times(),
        ["pause_collection"] =
        [
            () => null, () => null,
            () => new JsonObject { ["behavior"] = "void", ["resumes_at"] = null },
            () => new JsonObject { ["behavior"] = "keep_as_draft", ["resumes_at"] = 1_800_000_000 },
            () => new JsonObject(), () => new JsonObject { ["behavior"] = 4 }, () => new JsonObject { ["resumes_at"] = "soon" },
            () => "void", () => new JsonArray(),
        ],
        ["discounts"] =
        [
            () => new JsonArray(), () => new JsonArray("di_1", "di_2"), () => null, () => null,
            () => new JsonArray(new JsonObject { ["id"] = "di_3", ["object"] = "discount" }), () => new JsonArray(1), () => "di_1",
            () => new JsonArray((JsonNode?)null),
        ],
        ["items"] = [() => Items(), () => Items(), () => Items(), () => null, () => null, () => new JsonObject { ["data"] = null }, () => new JsonObject { ["data"] = new JsonArray() }, () => new JsonArray(), () => new JsonObject { ["data"] = "none" }],
    };

    [Fact]
    public void Every_route_it_reads_is_the_route_Stripe_net_reads_and_it_reads_the_usual_events_itself()
    {
        var random = new Random(20261205);
        var (read, leftToStripe, unreadableToStripe) = (0, 0, 0);
        var failures = new List<string>();

        for (var i = 0; i < 4000; i++)
        {
            var json = RandomEvent(random, $"evt_reader_{i}");
            var expected = StripeNetRoute(json);
            var actual = SubscriptionEventReader.TryRoute(Updated, json);

            if (actual is null)
            {
                leftToStripe++;
            }
            else if (expected is not WebhookRoute.Apply apply || !Same(actual, apply))
            {
                failures.Add($"{json}\n  reader: {Describe(actual)}\n  Stripe.net: {(expected is null ? "unreadable" : Describe(expected))}");
            }
            else
            {
                read++;
            }

            unreadableToStripe += expected is null ? 1 : 0;
        }

        Assert.True(failures.Count == 0, $"{failures.Count} events routed otherwise than Stripe.net routes them, the first:\n{string.Join("\n", failures.Take(3))}");
        Assert.True(read > 500, $"Only {read} of 4000 read by the reader itself.");
        Assert.True(leftToStripe > 1000, $"Only {leftToStripe} of 4000 left to Stripe.net: the shapes it must leave are not tried.");
        Assert.True(unreadableToStripe > 500, $"Only {unreadableToStripe} of 4000 unreadable to Stripe.net.");
    }

    [Fact]
    public void Stripe_s_example_subscription_is_read_by_the_reader_and_routed_as_Stripe_net_routes_it()
    {
        var subscription = StripeFixtures.Example("subscription");
        subscription["metadata"] = StripeFixtures.Metadata();
        foreach (var type in SubscriptionChangedHandler.EventTypesRouted)
        {
            var json = Event(type, subscription);

            var route = SubscriptionEventReader.TryRoute(type, json);

            Assert.NotNull(route);
            Assert.True(Same(route, Assert.IsType<WebhookRoute.Apply>(StripeNetRoute(json))), type);
            Assert.Equal(("demo/c1", "sub_1Pgc6rB7WZ01zgkWNy0Cn5nw"), (route.SubscriptionKey, route.Event.ProviderSubscriptionId));
        }
    }

    [Fact]
    public void Other_types_and_names_given_twice_are_left_to_Stripe_net()
    {
        var subscription = StripeFixtures.Example("subscription");
        subscription["metadata"] = StripeFixtures.Metadata();
        var json = Event(Updated, subscription);
        var twice = json.Replace("\"status\":\"active\"", "\"status\":\"active\",\"status\":\"canceled\"", StringComparison.Ordinal);

        Assert.NotEqual(json, twice);
        Assert.Null(SubscriptionEventReader.TryRoute(EventTypes.InvoicePaid, json));
        Assert.Null(SubscriptionEventReader.TryRoute(Updated, twice));
        Assert.Null(SubscriptionEventReader.TryRoute(Updated, "{not json"));
    }

    /// <summary>
    /// The one difference, decided: a field no route takes is not read, so a wrong type there, which Stripe.net refuses
    /// (the event unreadable), no longer keeps the event from its subscription.
    /// </summary>
    [Fact]
    public void A_wrong_type_in_a_field_no_route_takes_does_not_make_the_event_unreadable()
    {
        var subscription = StripeFixtures.Example("subscription");
        subscription["metadata"] = StripeFixtures.Metadata();
        subscription["billing_cycle_anchor"] = "not a time";
        var json = Event(Updated, subscription);

        Assert.Null(StripeNetRoute(json));
        Assert.Equal("demo/c1", SubscriptionEventReader.TryRoute(Updated, json)?.SubscriptionKey);
    }

    private static Func<JsonNode?>[] Times() =>
    [
        () => 1_790_000_000, () => 0, () => 5_000_000_000, () => 5_000_000_001, () => -1, () => 1.5, () => "1790000000",
        () => null, () => null, () => true,
    ];

    /// <summary>Items as Stripe lists them: licensed and metered in some order, each field in some shape.</summary>
    private static JsonObject Items() => new() { ["object"] = "list", ["data"] = new JsonArray(), ["has_more"] = false };

    private static JsonNode? Item(Random random)
    {
        var item = StripeFixtures.Example("subscription")["items"]!["data"]![0]!.DeepClone().AsObject();
        var price = item["price"]!.AsObject();
        price["id"] = Pick(random, [() => $"price_{random.Next(3)}", () => null, () => 9]);
        switch (random.Next(10))
        {
            case 0:
                price["recurring"]!["usage_type"] = "metered";
                break;
            case 1:
                price["recurring"] = null;
                break;
            case 2:
                price["recurring"]!["usage_type"] = Pick(random, [() => null, () => 2, () => null]);
                break;
            case 3:
                item["price"] = Pick(random, [() => null, () => null, () => "price_1"]);
                break;
        }

        item["quantity"] = random.Next(4) > 0 ? 1 : Pick(random, [() => 3, () => 3_000_000_000, () => null, () => null, () => "2", () => 1.5]);
        item["current_period_end"] = random.Next(4) > 0 ? 1_790_000_000 : Pick(random, Times());
        if (item["quantity"] is null && random.Next(2) == 0)
        {
            item.Remove("quantity");
        }

        if (item["current_period_end"] is null && random.Next(2) == 0)
        {
            item.Remove("current_period_end");
        }

        return random.Next(40) == 0 ? null : item;
    }

    private static string RandomEvent(Random random, string id)
    {
        var subscription = StripeFixtures.Example("subscription");
        subscription["metadata"] = StripeFixtures.Metadata();
        foreach (var (field, shapes) in SubscriptionShapes)
        {
            // Most fields keep a usual value, so that events of every mix of shapes are tried.
            var value = random.Next(5) == 0 ? Pick(random, shapes) : Usual(field);
            if (value is null && random.Next(2) == 0)
            {
                subscription.Remove(field);
            }
            else
            {
                subscription[field] = value;
            }

            if (field == "items" && subscription["items"] is JsonObject items && items["data"] is JsonArray { Count: 0 } data && random.Next(5) > 0)
            {
                for (var n = random.Next(1, 4); n > 0; n--)
                {
                    data.Add(Item(random));
                }
            }
        }

        var json = JsonNode.Parse(Event(Updated, subscription, id))!.AsObject();
        json["created"] = random.Next(10) == 0 ? Pick(random, Times()) : 1_790_000_000;
        json["object"] = random.Next(10) > 0 ? "event" : Pick(random, [() => "v2.core.event", () => null, () => 1]);
        return json.ToJsonString();
    }

    private static JsonNode? Usual(string field) => field switch
    {
        "object" => "subscription",
        "id" => "sub_1",
        "customer" => "cus_1",
        "metadata" => StripeFixtures.Metadata(),
        "status" => "active",
        "cancel_at_period_end" => false,
        "trial_end" => null,
        "pause_collection" => null,
        "discounts" => new JsonArray(),
        _ => Items(),
    };

    private static JsonNode? Pick(Random random, Func<JsonNode?>[] shapes) => shapes[random.Next(shapes.Length)]();

    private static string Event(string type, JsonObject subscription, string id = "evt_reader") =>
        StripeEvents.Json(id, type, subscription.DeepClone().AsObject(), DateTimeOffset.FromUnixTimeSeconds(1_790_000_000));

    /// <summary>The route Stripe.net's parse gives, as the inbox took it before the reader; null when it cannot read the event.</summary>
    internal static WebhookRoute? StripeNetRoute(string json)
    {
        try
        {
            return StripeEventHandlers.Route(EventUtility.ParseEvent(json, throwOnApiVersionMismatch: false));
        }
        catch (Exception)
        {
            return null;
        }
    }

    internal static bool Same(WebhookRoute.Apply a, WebhookRoute.Apply b) =>
        a with { Event = a.Event with { DiscountIds = null } } == b with { Event = b.Event with { DiscountIds = null } }
        && (a.Event.DiscountIds ?? []).SequenceEqual(b.Event.DiscountIds ?? []);

    internal static string Describe(WebhookRoute route) => route is WebhookRoute.Apply apply
        ? $"{apply with { Event = apply.Event with { DiscountIds = null } }} discounts [{string.Join(", ", apply.Event.DiscountIds ?? [])}]"
        : route.ToString();
}
