using System.Net.Http.Json;
using System.Text.Json;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Sandbox;

/// <summary>Moving the sandbox's clock from outside: its HTTP endpoints, and the clock itself moved directly.</summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class SandboxClockEndpointTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_clock_endpoint_tells_the_sandbox_time()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        sandbox.Clock.Advance(TimeSpan.FromDays(2));

        var clock = await sandbox.Http.GetFromJsonAsync<JsonElement>("/sandbox/clock", Ct);

        var now = DateTimeOffset.Parse(clock.GetProperty("now").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(now, DateTimeOffset.UtcNow.AddDays(2).AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(2).AddMinutes(1));
        Assert.Equal(now.ToUnixTimeSeconds(), clock.GetProperty("unix").GetInt64());
    }

    [Fact]
    public async Task Api_answers_are_dated_by_the_sandbox_clock_and_the_service_reads_the_date_as_when_Stripe_answered()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var subscription = (await sandbox.SubscribeAsync()).SubscriptionId!;
        sandbox.Clock.Advance(TimeSpan.FromDays(40));
        var provider = new OrleansBilling.Grains.Stripe.StripePaymentProvider(new FixedStripeClientSource(sandbox.Stripe), sandbox.Clock);

        var before = sandbox.Clock.GetUtcNow();
        var observed = await provider.GetSubscriptionAsync(subscription, Ct);
        var after = sandbox.Clock.GetUtcNow();

        // The Date header has whole seconds.
        Assert.NotNull(observed.ObservedAt);
        Assert.InRange(observed.ObservedAt!.Value, before.AddSeconds(-1), after);
    }

    [Fact]
    public async Task Advancing_over_http_runs_the_renewals_that_fall_due_and_lists_their_events()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync();

        using var response = await sandbox.Http.PostAsJsonAsync("/sandbox/clock/advance", new { days = 30, hours = 24 }, Ct);

        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(
            ["invoice.created", "invoice.finalized", "invoice.paid", "invoice.payment_succeeded", "customer.subscription.updated"],
            body.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(2, (await sandbox.Stripe.V1.Invoices.ListAsync(new Stripe.InvoiceListOptions { Subscription = result.SubscriptionId }, cancellationToken: Ct)).Data.Count);
    }

    [Fact]
    public async Task Advancing_the_clock_directly_also_runs_what_fell_due()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        await sandbox.SubscribeAsync();

        sandbox.Clock.Advance(TimeSpan.FromDays(32));

        await sandbox.WaitForEventAsync("customer.subscription.updated");
        Assert.Equal(2, sandbox.Receiver.OfType("invoice.paid").Count());
    }

    [Fact]
    public async Task The_host_does_not_start_without_a_whsec_webhook_secret()
    {
        var start = SandboxHost.StartAsync(o => o.WebhookSecret = "not-a-secret");

        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => start);

        Assert.Contains("WebhookSecret", error.Message, StringComparison.Ordinal);
    }
}
