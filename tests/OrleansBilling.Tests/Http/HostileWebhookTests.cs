using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OrleansBilling.GrainInterfaces.Webhooks;
using OrleansBilling.Grains.Payments;
using OrleansBilling.Grains.Stripe.Webhooks;
using OrleansBilling.Silo.Webhooks;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Http;

/// <summary>
/// Events Stripe signed that the service cannot read (issue 10 §1): stored, answered 2xx, recorded as
/// an anomaly a person can see and re-run; never a 5xx that Stripe would retry for three days, never
/// an event left without an outcome.
/// </summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class HostileWebhookTests(BillingService service) : IClassFixture<BillingService>
{
    private const string Nul = "@@NUL@@";
    private const string LoneSurrogate = "@@LONE@@";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private InMemoryStripeEventStore Inbox => service.Services.GetRequiredService<InMemoryStripeEventStore>();

    public static TheoryData<string, string> BrokenEnvelopes => new()
    {
        { "created is a string", """{"created":"yesterday"}""" },
        { "created is past year 9999", """{"created":100000000000000}""" },
        { "created is negative", """{"created":-1}""" },
        { "created is a fraction", """{"created":1.5}""" },
        { "type is a number", """{"type":7}""" },
        { "type has a NUL", $$"""{"type":"invoice.paid{{Nul}}"}""" },
        { "data.object is an array", """{"data":{"object":[]}}""" },
        { "no data", """{"data":null}""" },
        { "api_version is an object", """{"api_version":{}}""" },
    };

    [Theory]
    [MemberData(nameof(BrokenEnvelopes))]
    public async Task A_signed_event_whose_envelope_cannot_be_read_is_stored_answered_and_an_anomaly(string why, string patch)
    {
        using var client = service.Client(apiKey: null);
        var id = $"evt_envelope_{Guid.NewGuid():N}";
        var json = Patch(StripeEvents.Json(id, "invoice.paid", StripeEvents.Invoice("in_env", "sub_env", "demo", "env_customer"), service.Clock.GetUtcNow()), patch);

        using var response = await client.DeliverAsync(json, Signed(json), Cancellation);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{why}: {response.StatusCode}");
        Assert.Equal(StripeEventGrain.Unreadable, (await response.OutcomeAsync(Cancellation)).GetProperty("outcome").GetString());
        var stored = Assert.Single(Inbox.Events, e => e.Webhook.EventId == id);
        Assert.Equal(json, stored.Webhook.Payload);
        Assert.Equal(StripeEventGrain.Unreadable, stored.Outcome?.Outcome);
        var anomaly = await AnomalyAsync(id);
        Assert.Equal(nameof(AnomalyKind.Unreadable), anomaly.GetProperty("kind").GetString());
    }

    [Theory]
    [InlineData(Nul)]
    [InlineData(LoneSurrogate)]
    public async Task A_NUL_or_a_lone_surrogate_in_any_string_or_name_is_unreadable_and_named_by_path_not_value(string poison)
    {
        using var client = service.Client(apiKey: null);
        foreach (var (where, invoice) in new (string, JsonObject)[]
        {
            ("data.object.hosted_invoice_url", new JsonObject { ["hosted_invoice_url"] = $"https://ada@example.com/{poison}" }),
            ("data.object.lines[1]", new JsonObject { ["lines"] = new JsonArray("ok", $"x{poison}") }),
            ("(a property name)", new JsonObject { [$"key{poison}"] = 1 }),
        })
        {
            var id = $"evt_poison_{Guid.NewGuid():N}";
            var data = StripeEvents.Invoice("in_poison", "sub_poison", "demo", "poison_customer");
            foreach (var (name, value) in invoice)
            {
                data[name] = value?.DeepClone();
            }

            var json = Poisoned(StripeEvents.Json(id, "invoice.paid", data, service.Clock.GetUtcNow()));

            using var response = await client.DeliverAsync(json, Signed(json), Cancellation);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var detail = (await AnomalyAsync(id)).GetProperty("detail").GetString()!;
            Assert.Contains(where, detail, StringComparison.Ordinal);
            Assert.DoesNotContain("ada@example.com", detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_redelivered_unreadable_event_is_answered_as_handled_before_and_a_person_can_rerun_it()
    {
        using var client = service.Client(apiKey: null);
        var id = $"evt_rerun_unreadable_{Guid.NewGuid():N}";
        var json = Patch(StripeEvents.Json(id, "invoice.paid", StripeEvents.Invoice("in_rr", "sub_rr", "demo", "rr_customer"), service.Clock.GetUtcNow()), """{"created":"soon"}""");
        using var first = await client.DeliverAsync(json, Signed(json), Cancellation);
        using var again = await client.DeliverAsync(json, Signed(json), Cancellation);
        using var admin = await service.StaffAsync("grace");

        using var rerun = await admin.PostAsync($"/admin/v1/stripe-events/{id}/rerun", null, Cancellation);

        Assert.True((await again.OutcomeAsync(Cancellation)).GetProperty("repeated").GetBoolean());
        Assert.Equal(StripeEventGrain.Unreadable, (await rerun.ReadOkAsync()).GetProperty("outcome").GetString());
        var recorded = (await AnomalyAsync(id)).GetProperty("rerun");
        Assert.Equal(("Unreadable", "admin:grace"), (recorded.GetProperty("outcome").GetString(), recorded.GetProperty("actor").GetString()));
    }

    [Fact]
    public async Task An_event_left_without_an_outcome_by_an_outage_is_brought_to_one_by_a_rerun()
    {
        using var api = service.Client();
        await service.ActivateAsync(api, "rerun_outage");
        var subscriptionId = BillingApi.ProviderSubscriptionOf("rerun_outage");
        service.Payments.Subscriptions[subscriptionId] = new ProviderSubscription(
            subscriptionId, "cus_rerun_outage", ProviderSubscriptionStatus.Active, CancelAtPeriodEnd: true, "price_demo_basic", null, null, null, null, false);
        using var client = service.Client(apiKey: null);
        var id = $"evt_rerun_outage_{Guid.NewGuid():N}";
        var json = StripeEvents.Json(id, "customer.subscription.updated", StripeEvents.Subscription(subscriptionId, "demo", "rerun_outage"), service.Clock.GetUtcNow());
        service.Payments.FailNext(10);
        using var failed = await client.DeliverAsync(json, Signed(json), Cancellation);
        service.Payments.FailNext(0);
        var outcomeAfterOutage = Assert.Single(Inbox.Events, e => e.Webhook.EventId == id).Outcome;
        using var admin = service.Client(apiKey: BillingService.AdminKey);

        using var rerun = await admin.PostAsync($"/admin/v1/stripe-events/{id}/rerun", null, Cancellation);

        await failed.ReadProblemAsync(HttpStatusCode.ServiceUnavailable, "urn:orleans-billing:problem:service-unavailable");
        Assert.Equal(TimeSpan.FromSeconds(5), failed.Headers.RetryAfter?.Delta);
        Assert.Null(outcomeAfterOutage);
        Assert.Equal("Applied", (await rerun.ReadOkAsync()).GetProperty("outcome").GetString());
        Assert.Equal("Applied", Assert.Single(Inbox.Events, e => e.Webhook.EventId == id).Outcome?.Outcome);
        Assert.Equal("Canceling", (await api.SubscriptionOfAsync("rerun_outage")).GetProperty("state").GetString());
    }

    [Theory]
    [InlineData("evt_never_stored", HttpStatusCode.NotFound)]
    [InlineData("not_an_event", HttpStatusCode.BadRequest)]
    public async Task A_rerun_of_no_stored_event_is_a_problem(string id, HttpStatusCode status)
    {
        using var admin = service.Client(apiKey: BillingService.AdminKey);

        using var response = await admin.PostAsync($"/admin/v1/stripe-events/{id}/rerun", null, Cancellation);

        await response.ReadProblemAsync(status);
    }

    /// <summary>The event's JSON with the top-level fields of <paramref name="patch"/> replaced.</summary>
    private static string Patch(string json, string patch)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        foreach (var (name, value) in JsonNode.Parse(Poisoned(patch))!.AsObject())
        {
            root[name] = value?.DeepClone();
        }

        return Poisoned(root.ToJsonString());
    }

    /// <summary>The markers replaced by the escapes a serializer would never write: <c>\u0000</c> and a lone <c>\ud800</c>.</summary>
    private static string Poisoned(string json) => json.Replace(Nul, "\\u0000", StringComparison.Ordinal).Replace(LoneSurrogate, "\\ud800", StringComparison.Ordinal);

    private async Task<System.Text.Json.JsonElement> AnomalyAsync(string eventId)
    {
        using var admin = service.Client(apiKey: BillingService.AdminKey);
        using var listed = await admin.GetAsync("/admin/v1/anomalies?limit=500", Cancellation);
        return Assert.Single((await listed.ReadOkAsync()).EnumerateArray(), a => a.GetProperty("eventId").GetString() == eventId);
    }

    private static string Signed(string json) => StripeEvents.Signature(json, BillingService.WebhookSecret, DateTimeOffset.UtcNow);
}
