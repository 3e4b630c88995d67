using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using OrleansBilling.Grains.Payments;
using OrleansBilling.Grains.Stripe;
using Stripe;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Sandbox;

/// <summary><see cref="StripePaymentProvider.SendMeterEventsAsync"/> against the sandbox's v2 meter event stream, end to end.</summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class StripeMeterEventTests
{
    private const string SessionPath = "/v2/billing/meter_event_session";
    private const string StreamPath = "/v2/billing/meter_event_stream";

    private static readonly DateTimeOffset UsedAt = new(2026, 3, 1, 12, 0, 0, 125, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Events_arrive_with_their_name_customer_identifier_and_time()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var provider = Provider(sandbox);
        var inParis = new DateTimeOffset(2026, 3, 1, 13, 0, 0, 125, TimeSpan.FromHours(1));

        await provider.SendMeterEventsAsync([new MeterEvent("api_requests", "cus_1", 3, inParis, "usage-1")], Ct);

        var recorded = Assert.Single(sandbox.Control.MeterEvents);
        Assert.Equal(("api_requests", "cus_1", "usage-1", "3"), (recorded.EventName, recorded.CustomerId, recorded.Identifier, recorded.Value));
        Assert.Equal(UsedAt, recorded.Timestamp);
    }

    [Theory]
    [InlineData("2.5", "2.5")]
    [InlineData("2.500000", "2.5")]
    [InlineData("0.000001", "0.000001")]
    [InlineData("999999999999999", "999999999999999")]
    [InlineData("123456789.123456", "123456789.123456")]
    [InlineData("0", "0")]
    public async Task A_value_goes_as_a_plain_invariant_number(string value, string sent)
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var provider = Provider(sandbox);

        await provider.SendMeterEventsAsync([Usage("usage-1", decimal.Parse(value, CultureInfo.InvariantCulture))], Ct);

        Assert.Equal(sent, Assert.Single(sandbox.Control.MeterEvents).Value);
    }

    [Fact]
    public async Task A_batch_goes_in_one_stream_call()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var provider = Provider(sandbox);

        await provider.SendMeterEventsAsync([.. Enumerable.Range(0, 100).Select(i => Usage($"usage-{i}"))], Ct);

        Assert.Single(sandbox.Requests.To("POST", StreamPath));
        Assert.Equal(100, sandbox.Control.MeterEvents.Count);
    }

    [Fact]
    public async Task Two_sends_share_one_meter_event_session()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var provider = Provider(sandbox);

        await provider.SendMeterEventsAsync([Usage("usage-1")], Ct);
        await provider.SendMeterEventsAsync([Usage("usage-2")], Ct);

        Assert.Single(sandbox.Requests.To("POST", SessionPath));
        Assert.Equal(2, sandbox.Requests.To("POST", StreamPath).Count);
    }

    [Fact]
    public async Task Concurrent_first_sends_share_one_meter_event_session()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var provider = Provider(sandbox);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => provider.SendMeterEventsAsync([Usage($"usage-{i}")], Ct)));

        Assert.Single(sandbox.Requests.To("POST", SessionPath));
        Assert.Equal(8, sandbox.Control.MeterEvents.Count);
    }

    [Fact]
    public async Task The_session_is_replaced_a_minute_before_it_expires()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var provider = Provider(sandbox);
        await provider.SendMeterEventsAsync([Usage("usage-1")], Ct);

        await sandbox.Control.AdvanceClockAsync(TimeSpan.FromMinutes(14), Ct);
        await provider.SendMeterEventsAsync([Usage("usage-2")], Ct);

        Assert.Equal(2, sandbox.Requests.To("POST", SessionPath).Count);
        Assert.All(sandbox.Requests.To("POST", StreamPath), r => Assert.Equal(200, r.StatusCode));
    }

    [Fact]
    public async Task A_token_the_stream_refuses_is_replaced_once_and_the_send_goes_through()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        // The provider's clock stands still, so only the stream's 401 can tell it the session lapsed.
        var provider = Provider(sandbox, clock: new FakeTimeProvider(sandbox.Control.Now));
        await provider.SendMeterEventsAsync([Usage("usage-1")], Ct);
        await sandbox.Control.AdvanceClockAsync(TimeSpan.FromMinutes(15), Ct);

        await provider.SendMeterEventsAsync([Usage("usage-2")], Ct);

        Assert.Equal([200, 401, 200], sandbox.Requests.To("POST", StreamPath).Select(r => r.StatusCode));
        Assert.Equal(2, sandbox.Requests.To("POST", SessionPath).Count);
        Assert.Equal(["usage-1", "usage-2"], sandbox.Control.MeterEvents.Select(e => e.Identifier));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(429)]
    public async Task An_outage_of_the_stream_is_a_transient_failure_and_records_nothing(int status)
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var provider = Provider(sandbox);
        sandbox.Control.FailNextMeterEventStreamCalls(1, status);

        var failure = await Assert.ThrowsAsync<PaymentProviderException>(() => provider.SendMeterEventsAsync([Usage("usage-1")], Ct));

        Assert.True(failure.Transient);
        Assert.Empty(sandbox.Control.MeterEvents);
    }

    [Fact]
    public async Task A_batch_sent_again_after_an_outage_counts_each_identifier_once()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var provider = Provider(sandbox);
        MeterEvent[] batch = [Usage("usage-1"), Usage("usage-2")];
        await provider.SendMeterEventsAsync(batch, Ct);
        sandbox.Control.FailNextMeterEventStreamCalls(1);
        await Assert.ThrowsAsync<PaymentProviderException>(() => provider.SendMeterEventsAsync(batch, Ct));

        await provider.SendMeterEventsAsync(batch, Ct);

        Assert.Equal([2, 2], sandbox.Control.MeterEvents.Select(e => e.Received));
    }

    [Fact]
    public async Task Stripe_net_retries_a_single_500_itself_and_the_failed_call_records_nothing()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var provider = Provider(sandbox, maxNetworkRetries: 2);
        sandbox.Control.FailNextMeterEventStreamCalls(1);

        await provider.SendMeterEventsAsync([Usage("usage-1")], Ct);

        Assert.Equal([500, 200], sandbox.Requests.To("POST", StreamPath).Select(r => r.StatusCode));
        Assert.Equal(1, Assert.Single(sandbox.Control.MeterEvents).Received);
    }

    [Fact]
    public async Task A_refused_secret_key_is_a_lasting_failure()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var provider = Provider(sandbox, apiKey: "sk_live_0123456789");

        var failure = await Assert.ThrowsAsync<PaymentProviderException>(() => provider.SendMeterEventsAsync([Usage("usage-1")], Ct));

        Assert.False(failure.Transient);
        Assert.Empty(sandbox.Requests.To("POST", StreamPath));
    }

    [Fact]
    public async Task An_empty_batch_calls_nothing()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var provider = Provider(sandbox);

        await provider.SendMeterEventsAsync([], Ct);

        Assert.Empty(sandbox.Requests.All);
    }

    [Fact]
    public async Task More_than_100_events_are_refused_before_anything_is_sent()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var provider = Provider(sandbox);
        MeterEvent[] batch = [.. Enumerable.Range(0, 101).Select(i => Usage($"usage-{i}"))];

        await Assert.ThrowsAsync<ArgumentException>(() => provider.SendMeterEventsAsync(batch, Ct));

        Assert.Empty(sandbox.Requests.All);
    }

    [Theory]
    [InlineData("-4")]
    [InlineData("0.0000001")]
    [InlineData("1000000000000000")]
    [InlineData("1234567890.123456")]
    public async Task A_value_Stripe_cannot_take_is_refused_before_anything_is_sent(string value)
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var provider = Provider(sandbox);

        await Assert.ThrowsAsync<ArgumentException>(() => provider.SendMeterEventsAsync([Usage("usage-1", decimal.Parse(value, CultureInfo.InvariantCulture))], Ct));

        Assert.Empty(sandbox.Requests.All);
    }

    [Fact]
    public async Task An_event_without_an_identifier_is_refused_because_Stripe_could_not_deduplicate_it()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var provider = Provider(sandbox);

        await Assert.ThrowsAsync<ArgumentException>(() => provider.SendMeterEventsAsync([Usage("")], Ct));

        Assert.Empty(sandbox.Requests.All);
    }

    private static StripePaymentProvider Provider(SandboxHost sandbox, TimeProvider? clock = null, int maxNetworkRetries = 0, string apiKey = SandboxHost.TestKey) =>
        new(new FixedStripeClientSource(sandbox.NewStripeClient(apiKey, maxNetworkRetries)), clock ?? sandbox.Clock);

    private static MeterEvent Usage(string identifier, decimal value = 1) => new("api_requests", "cus_1", value, UsedAt, identifier);
}
