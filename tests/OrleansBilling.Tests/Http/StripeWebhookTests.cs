using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.Grains.Payments;
using OrleansBilling.Silo.Webhooks;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Http;

/// <summary><c>POST /webhooks/stripe</c>: only signed, fresh, pinned-version events get in, each once.</summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class StripeWebhookTests(BillingService service) : IClassFixture<BillingService>
{
    private const string InvalidWebhook = "urn:orleans-billing:problem:invalid-webhook";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private InMemoryStripeEventStore Inbox => service.Services.GetRequiredService<InMemoryStripeEventStore>();

    [Fact]
    public async Task A_signed_event_about_nobody_this_service_knows_is_stored_and_answered_as_an_orphan()
    {
        using var client = service.Client(apiKey: null);
        var json = StripeEvents.Json("evt_orphan_1", "invoice.finalized", StripeEvents.Invoice("in_orphan", "sub_orphan", "demo", "nobody_here"), service.Clock.GetUtcNow());

        using var response = await client.DeliverAsync(json, Signed(json), Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Orphan", (await response.OutcomeAsync(Cancellation)).GetProperty("outcome").GetString());
        Assert.Equal("Orphan", Assert.Single(Inbox.Events, e => e.Webhook.EventId == "evt_orphan_1").Outcome!.Outcome);
    }

    public static TheoryData<string, string> BadSignatures => new()
    {
        { "no header", "" },
        { "not Stripe's format", "sha256=abc" },
        { "wrong secret", "wrong" },
        { "ten minutes old", "old" },
        { "ten minutes ahead", "future" },
    };

    [Theory]
    [MemberData(nameof(BadSignatures))]
    public async Task An_event_without_a_valid_fresh_signature_is_400_and_nothing_is_stored(string why, string kind)
    {
        using var client = service.Client(apiKey: null);
        var id = $"evt_bad_signature_{kind}";
        var json = StripeEvents.Json(id, "invoice.finalized", StripeEvents.Invoice("in_x", "sub_x", "demo", "sig_customer"), service.Clock.GetUtcNow());
        var now = DateTimeOffset.UtcNow;
        string? signature = kind switch
        {
            "" => null,
            "sha256=abc" => "sha256=abc",
            "wrong" => StripeEvents.Signature(json, "whsec_someone_else", now),
            "old" => StripeEvents.Signature(json, BillingService.WebhookSecret, now.AddMinutes(-10)),
            _ => StripeEvents.Signature(json, BillingService.WebhookSecret, now.AddMinutes(10)),
        };

        using var response = await client.DeliverAsync(json, signature, Cancellation);

        await response.ReadProblemAsync(HttpStatusCode.BadRequest, InvalidWebhook);
        Assert.DoesNotContain(Inbox.Events, e => e.Webhook.EventId == id);
        Assert.False(string.IsNullOrEmpty(why));
    }

    [Fact]
    public async Task An_event_in_another_api_version_is_400()
    {
        using var client = service.Client(apiKey: null);
        var json = StripeEvents.Json("evt_old_version", "invoice.finalized", StripeEvents.Invoice("in_v", "sub_v", "demo", "v_customer"), service.Clock.GetUtcNow(), apiVersion: "2024-06-20");

        using var response = await client.DeliverAsync(json, Signed(json), Cancellation);

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest, InvalidWebhook);
        Assert.Contains("2026-10-28.endive", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""{"type":"invoice.paid","object":"event"}""")]
    [InlineData("""{"id":"in_not_an_event","type":"invoice.paid","api_version":"2026-10-28.endive","created":1,"data":{"object":{}}}""")]
    [InlineData("""{"id":"evt_with space","type":"invoice.paid"}""")]
    [InlineData("""{"id":"evt_\u0000","type":"invoice.paid"}""")]
    [InlineData("""{"id":7}""")]
    [InlineData("[]")]
    public async Task A_signed_body_without_an_event_id_is_400_because_nothing_could_store_it(string body)
    {
        using var client = service.Client(apiKey: null);

        using var response = await client.DeliverAsync(body, Signed(body), Cancellation);

        await response.ReadProblemAsync(HttpStatusCode.BadRequest, InvalidWebhook);
    }

    [Fact]
    public async Task A_body_over_one_mebibyte_is_413()
    {
        using var client = service.Client(apiKey: null);
        var json = StripeEvents.Json("evt_too_large", "invoice.finalized", new() { ["id"] = "in_large", ["padding"] = new string('x', 1024 * 1024) }, service.Clock.GetUtcNow());

        // As a client sending a large body should: the 413 comes before the body is sent, not mid-way.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", Signed(json));
        request.Headers.ExpectContinue = true;

        using var response = await client.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.DoesNotContain(Inbox.Events, e => e.Webhook.EventId == "evt_too_large");
    }

    [Fact]
    public async Task A_fact_about_a_customer_is_recorded_once_however_often_it_is_delivered()
    {
        using var api = service.Client();
        await service.ActivateAsync(api, "hook_fact");
        using var client = service.Client(apiKey: null);
        var json = StripeEvents.Json("evt_fact_1", "invoice.finalized", StripeEvents.Invoice("in_fact_1", BillingApi.ProviderSubscriptionOf("hook_fact"), "demo", "hook_fact"), service.Clock.GetUtcNow());

        using var first = await client.DeliverAsync(json, Signed(json), Cancellation);
        using var second = await client.DeliverAsync(json, Signed(json), Cancellation);

        Assert.Equal("Recorded", (await first.OutcomeAsync(Cancellation)).GetProperty("outcome").GetString());
        Assert.True((await second.OutcomeAsync(Cancellation)).GetProperty("repeated").GetBoolean());
        var history = (await api.SubscriptionOfAsync("hook_fact")).GetProperty("recentHistory");
        Assert.Single(history.EnumerateArray(), e => e.GetProperty("name").GetString() == "InvoiceFinalized");
    }

    [Fact]
    public async Task A_changed_subscription_is_fetched_from_the_provider_and_followed()
    {
        using var api = service.Client();
        await service.ActivateAsync(api, "hook_cancel");
        var subscriptionId = BillingApi.ProviderSubscriptionOf("hook_cancel");
        service.Payments.Subscriptions[subscriptionId] = new ProviderSubscription(
            subscriptionId, "cus_hook_cancel", ProviderSubscriptionStatus.Active, CancelAtPeriodEnd: true, "price_demo_basic", null, null, null, null, false);
        using var client = service.Client(apiKey: null);

        // The event's own snapshot says nothing about the cancel: what counts is Stripe's current state.
        var json = StripeEvents.Json("evt_sub_updated_1", "customer.subscription.updated", StripeEvents.Subscription(subscriptionId, "demo", "hook_cancel"), service.Clock.GetUtcNow());
        using var response = await client.DeliverAsync(json, Signed(json), Cancellation);

        Assert.Equal("Applied", (await response.OutcomeAsync(Cancellation)).GetProperty("outcome").GetString());
        Assert.Equal("Canceling", (await api.SubscriptionOfAsync("hook_cancel")).GetProperty("state").GetString());
    }

    [Fact]
    public async Task An_event_the_table_refuses_even_after_asking_the_provider_is_an_anomaly_admins_can_list()
    {
        using var api = service.Client();
        await service.ActivateAsync(api, "hook_anomaly");
        using var cancel = await api.PostJsonAsync("/v1/customers/hook_anomaly/subscription/cancel", new { atPeriodEnd = true });
        var subscriptionId = BillingApi.ProviderSubscriptionOf("hook_anomaly");
        service.Payments.Subscriptions[subscriptionId] = new ProviderSubscription(
            subscriptionId, "cus_hook_anomaly", ProviderSubscriptionStatus.PastDue, CancelAtPeriodEnd: true, "price_demo_basic", null, null, null, "in_unpaid", false);
        using var client = service.Client(apiKey: null);
        var json = StripeEvents.Json("evt_anomaly_1", "customer.subscription.updated", StripeEvents.Subscription(subscriptionId, "demo", "hook_anomaly", "past_due"), service.Clock.GetUtcNow());

        using var response = await client.DeliverAsync(json, Signed(json), Cancellation);
        using var admin = service.Client(apiKey: BillingService.AdminKey);
        using var listed = await admin.GetAsync("/admin/v1/anomalies", Cancellation);
        var anomalies = await listed.ReadOkAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("NotAllowed", (await response.OutcomeAsync(Cancellation)).GetProperty("outcome").GetString());
        var anomaly = Assert.Single(anomalies.EnumerateArray(), a => a.GetProperty("eventId").GetString() == "evt_anomaly_1");
        Assert.Equal(nameof(SubscriptionState.Canceling), anomaly.GetProperty("state").GetString());
        Assert.Equal(nameof(LifecycleTransition.PaymentFailed), anomaly.GetProperty("transition").GetString());
        Assert.Equal("Canceling", (await api.SubscriptionOfAsync("hook_anomaly")).GetProperty("state").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData(BillingService.DemoApiKey)]
    [InlineData("adm_wrong")]
    public async Task Admin_routes_need_the_admin_key(string? key)
    {
        using var client = service.Client(apiKey: key);

        using var response = await client.GetAsync("/admin/v1/anomalies", Cancellation);

        await response.ReadProblemAsync(HttpStatusCode.Unauthorized, "urn:orleans-billing:problem:unauthorized");
    }

    private static string Signed(string json) => StripeEvents.Signature(json, BillingService.WebhookSecret, DateTimeOffset.UtcNow);
}
