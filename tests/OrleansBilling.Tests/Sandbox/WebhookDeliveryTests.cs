using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansBilling.Tests.Infrastructure;
using Stripe;
using Xunit;

namespace OrleansBilling.Tests.Sandbox;

/// <summary>Events arrive signed as Stripe signs them, at least once, and can be re-sent shuffled and duplicated.</summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class WebhookDeliveryTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_event_verifies_with_StripeNet_and_carries_its_pinned_api_version()
    {
        await using var sandbox = await SandboxHost.StartAsync();

        await sandbox.SubscribeAsync(trialDays: 7);
        await sandbox.AdvanceDaysAsync(60);

        Assert.Empty(sandbox.Receiver.Rejections);
        Assert.Equal(sandbox.Control.Events.Count, sandbox.Receiver.Events.Count);
        Assert.All(sandbox.Receiver.Events, e =>
        {
            Assert.Equal(StripeConfiguration.ApiVersion, e.ApiVersion);
            Assert.Equal("event", e.Object);
            Assert.False(e.Livemode);
            Assert.NotNull(e.Data.Object);
        });
    }

    [Fact]
    public async Task Signatures_use_real_time_while_event_times_use_the_sandbox_clock()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        await sandbox.SubscribeAsync();

        var advance = await sandbox.AdvanceDaysAsync(31);

        var renewal = sandbox.Receiver.Events[^1];
        Assert.Equal(advance.Events[^1].Id, renewal.Id);
        Assert.True(renewal.Created > DateTime.UtcNow.AddDays(29));
        Assert.Empty(sandbox.Receiver.Rejections);
    }

    [Fact]
    public async Task Events_caused_by_an_api_call_carry_its_request_id_and_idempotency_key()
    {
        await using var sandbox = await SandboxHost.StartAsync();

        var customer = await sandbox.Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions(), new RequestOptions { IdempotencyKey = "customer-for-acct_7" }, Ct);

        var created = sandbox.Receiver.OfType("customer.created").Single();
        Assert.Equal(customer.StripeResponse.RequestId, created.Request.Id);
        Assert.Equal("customer-for-acct_7", created.Request.IdempotencyKey);
    }

    [Fact]
    public async Task A_failing_receiver_gets_retries_until_it_succeeds()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        sandbox.UseFastRetries();
        sandbox.Receiver.FailNext(3);

        await sandbox.Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "ada@example.com" }, cancellationToken: Ct);

        await sandbox.WaitForEventAsync("customer.created");

        // The sender counts a delivery when the receiver's answer reaches it, a moment after the receiver has the event.
        await Poll.UntilAsync(() => sandbox.Control.WebhookStatus.Delivered > 0, TimeSpan.FromSeconds(10), "the sender to count the delivery");
        Assert.Equal(4, sandbox.Receiver.Attempts);
        var status = sandbox.Control.WebhookStatus;
        Assert.Equal(1, status.Delivered);
        Assert.Equal(0, status.PendingRetry);
        Assert.Equal([3, 2, 1], status.LastErrors.Select(e => e.Attempt));
    }

    [Fact]
    public async Task A_receiver_that_never_answers_2xx_is_given_up_after_eight_attempts()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        sandbox.UseFastRetries();
        sandbox.Receiver.FailAlways();

        await sandbox.Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions(), cancellationToken: Ct);

        await Poll.UntilAsync(() => sandbox.Control.WebhookStatus.FailedForGood == 1, Patience, "the event to be given up");
        Assert.Equal(8, sandbox.Receiver.Attempts);
        var report = JsonDocument.Parse(await sandbox.Http.GetStringAsync(new Uri("/sandbox/webhooks", UriKind.Relative), Ct)).RootElement;
        Assert.Equal(1, report.GetProperty("failed").GetInt32());
        Assert.Equal(0, report.GetProperty("pending_retry").GetInt32());
        Assert.Equal($"{sandbox.BaseUrl}/webhooks/stripe", report.GetProperty("url").GetString());
        Assert.Contains("500", report.GetProperty("last_errors")[0].GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redelivery_sends_every_event_again_shuffled_with_duplicates()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        await sandbox.SubscribeAsync();
        var original = sandbox.Receiver.Events.Select(e => e.Id).ToList();

        using var response = await sandbox.Http.PostAsJsonAsync("/sandbox/events/redeliver", new { shuffle = true, duplicates = 2, seed = 7 }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(original.Count * 3, body.GetProperty("sent").GetInt32());
        Assert.Equal(original.Count * 3, body.GetProperty("succeeded").GetInt32());
        var redelivered = sandbox.Receiver.Events.Skip(original.Count).Select(e => e.Id).ToList();
        Assert.All(original, id => Assert.Equal(3, redelivered.Count(r => r == id)));
        Assert.NotEqual(original.SelectMany(id => Enumerable.Repeat(id, 3)), redelivered);
        Assert.Empty(sandbox.Receiver.Rejections);
    }

    [Fact]
    public async Task The_webhook_url_can_be_configured()
    {
        await using var receiverHost = await SandboxHost.StartAsync();
        await using var sandbox = await SandboxHost.StartAsync(o => o.WebhookUrl = new Uri($"{receiverHost.BaseUrl}/webhooks/stripe"));

        await sandbox.Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions(), cancellationToken: Ct);

        Assert.Empty(sandbox.Receiver.Events);
        Assert.Single(receiverHost.Receiver.OfType("customer.created"));
    }
}
