using System.Net;
using System.Text.Json;
using Stripe;
using Stripe.Billing;
using PortalSessionCreateOptions = Stripe.BillingPortal.SessionCreateOptions;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Sandbox;

/// <summary>The customer portal page and usage reporting.</summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class PortalAndMeterEventTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_portal_session_links_to_a_sandbox_page_with_a_card_form_and_the_return_url()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync();

        var portal = await sandbox.Stripe.V1.BillingPortal.Sessions.CreateAsync(
            new PortalSessionCreateOptions { Customer = result.CustomerId, ReturnUrl = "https://app.example/account" },
            cancellationToken: Ct);
        var html = await sandbox.Http.GetStringAsync(new Uri(portal.Url), Ct);

        Assert.StartsWith("bps_", portal.Id, StringComparison.Ordinal);
        Assert.Equal(result.CustomerId, portal.Customer);
        Assert.Equal($"{sandbox.BaseUrl}/sandbox/portal/{portal.Id}", portal.Url);
        Assert.Contains("href=\"https://app.example/account\"", html, StringComparison.Ordinal);
        Assert.Contains("name=\"card\"", html, StringComparison.Ordinal);
        Assert.Contains("•••• 4242", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_card_in_the_portal_pays_the_open_invoice()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync(SandboxHost.CardThatFailsLater);
        await sandbox.AdvanceDaysAsync(31);
        var portal = await sandbox.Stripe.V1.BillingPortal.Sessions.CreateAsync(new PortalSessionCreateOptions { Customer = result.CustomerId }, cancellationToken: Ct);

        using var form = new FormUrlEncodedContent([new("card", SandboxHost.SucceedingCard)]);
        using var response = await sandbox.Http.PostAsync(new Uri(portal.Url), form, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("active", (await sandbox.GetSubscriptionAsync(result.SubscriptionId!)).Status);
    }

    [Fact]
    public async Task A_portal_session_for_an_unknown_customer_is_refused()
    {
        await using var sandbox = await SandboxHost.StartAsync();

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            sandbox.Stripe.V1.BillingPortal.Sessions.CreateAsync(new PortalSessionCreateOptions { Customer = "cus_missing" }, cancellationToken: Ct));

        Assert.Equal("resource_missing", error.StripeError.Code);
        Assert.Equal("customer", error.StripeError.Param);
    }

    [Fact]
    public async Task Meter_events_are_recorded_once_per_identifier()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var options = new MeterEventCreateOptions
        {
            EventName = "api_requests",
            Payload = new Dictionary<string, string> { ["stripe_customer_id"] = "cus_1", ["value"] = "25" },
            Identifier = "usage-cus_1-0001",
        };

        var first = await sandbox.Stripe.V1.Billing.MeterEvents.CreateAsync(options, cancellationToken: Ct);
        var again = await sandbox.Stripe.V1.Billing.MeterEvents.CreateAsync(options, cancellationToken: Ct);
        var other = await sandbox.Stripe.V1.Billing.MeterEvents.CreateAsync(
            new MeterEventCreateOptions { EventName = "api_requests", Payload = new Dictionary<string, string> { ["stripe_customer_id"] = "cus_1", ["value"] = "5" } },
            cancellationToken: Ct);

        Assert.Equal("usage-cus_1-0001", first.Identifier);
        Assert.Equal("25", first.Payload["value"]);
        Assert.Equal(first.Identifier, again.Identifier);
        Assert.NotEqual(first.Identifier, other.Identifier);
        var recorded = sandbox.Control.MeterEvents;
        Assert.Equal(["25", "5"], recorded.Select(e => e.Value));
        Assert.All(recorded, e => Assert.Equal("cus_1", e.CustomerId));
        var listed = JsonDocument.Parse(await sandbox.Http.GetStringAsync(new Uri("/sandbox/meter-events", UriKind.Relative), Ct)).RootElement;
        Assert.Equal(2, listed.GetArrayLength());
    }

    [Fact]
    public async Task A_meter_event_sent_again_counts_once_and_is_seen_as_received_twice()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var options = new MeterEventCreateOptions
        {
            EventName = "api_requests",
            Payload = new Dictionary<string, string> { ["stripe_customer_id"] = "cus_1", ["value"] = "25" },
            Identifier = "usage-cus_1-0002",
        };

        await sandbox.Stripe.V1.Billing.MeterEvents.CreateAsync(options, cancellationToken: Ct);
        await sandbox.Stripe.V1.Billing.MeterEvents.CreateAsync(options, cancellationToken: Ct);

        var recorded = Assert.Single(sandbox.Control.MeterEvents);
        Assert.Equal(2, recorded.Received);
        var listed = JsonDocument.Parse(await sandbox.Http.GetStringAsync(new Uri("/sandbox/meter-events", UriKind.Relative), Ct)).RootElement;
        Assert.Equal(2, listed[0].GetProperty("received").GetInt32());
    }

    [Fact]
    public async Task A_meter_event_without_a_value_is_400_parameter_missing()
    {
        await using var sandbox = await SandboxHost.StartAsync();

        var error = await Assert.ThrowsAsync<StripeException>(() => sandbox.Stripe.V1.Billing.MeterEvents.CreateAsync(
            new MeterEventCreateOptions { EventName = "api_requests", Payload = new Dictionary<string, string> { ["stripe_customer_id"] = "cus_1" } },
            cancellationToken: Ct));

        Assert.Equal("parameter_missing", error.StripeError.Code);
        Assert.Equal("payload[value]", error.StripeError.Param);
    }
}
