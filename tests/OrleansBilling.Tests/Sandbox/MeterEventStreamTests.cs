using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Stripe;
using Stripe.V2.Billing;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Sandbox;

/// <summary>Stripe's v2 meter event stream as the sandbox serves it to the real Stripe.net: sessions, batches, refusals, planned outages.</summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class MeterEventStreamTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_meter_event_session_gives_a_token_valid_for_fifteen_minutes_of_sandbox_time()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        await sandbox.Control.AdvanceClockAsync(TimeSpan.FromDays(3), Ct);

        var session = await sandbox.Stripe.V2.Billing.MeterEventSession.CreateAsync(new MeterEventSessionCreateOptions(), cancellationToken: Ct);

        Assert.StartsWith("mes_", session.Id, StringComparison.Ordinal);
        Assert.Equal("v2.billing.meter_event_session", session.Object);
        Assert.False(string.IsNullOrEmpty(session.AuthenticationToken));
        Assert.Equal(TimeSpan.FromMinutes(15), session.ExpiresAt - session.Created);
        Assert.InRange(new DateTimeOffset(session.Created), sandbox.Control.Now - TimeSpan.FromMinutes(1), sandbox.Control.Now);
    }

    [Fact]
    public async Task A_meter_event_session_needs_the_secret_key()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var live = sandbox.NewStripeClient("sk_live_0123456789");

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            live.V2.Billing.MeterEventSession.CreateAsync(new MeterEventSessionCreateOptions(), cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.Unauthorized, error.HttpStatusCode);
    }

    [Fact]
    public async Task Streamed_events_are_recorded_as_sent()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var token = await TokenAsync(sandbox);
        var at = new DateTime(2026, 3, 1, 12, 30, 15, 250, DateTimeKind.Utc);

        await StreamAsync(sandbox, token, Event("usage-1", "2.5", at));

        var recorded = Assert.Single(sandbox.Control.MeterEvents);
        Assert.Equal(("api_requests", "cus_1", "2.5", "usage-1", 1), (recorded.EventName, recorded.CustomerId, recorded.Value, recorded.Identifier, recorded.Received));
        Assert.Equal(new DateTimeOffset(at), recorded.Timestamp);
    }

    [Fact]
    public async Task A_repeated_identifier_counts_once_and_is_seen_as_received_again()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var token = await TokenAsync(sandbox);

        await StreamAsync(sandbox, token, Event("usage-1", "25"), Event("usage-2", "5"));
        await StreamAsync(sandbox, token, Event("usage-1", "25"));

        var recorded = sandbox.Control.MeterEvents;
        Assert.Equal(["usage-1", "usage-2"], recorded.Select(e => e.Identifier));
        Assert.Equal([2, 1], recorded.Select(e => e.Received));
    }

    [Fact]
    public async Task An_event_without_identifier_or_timestamp_gets_an_identifier_and_the_sandbox_time()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var token = await TokenAsync(sandbox);
        var before = sandbox.Control.Now;

        await StreamAsync(sandbox, token, new MeterEventStreamCreateEventOptions { EventName = "api_requests", Payload = Payload("1") });

        var recorded = Assert.Single(sandbox.Control.MeterEvents);
        Assert.False(string.IsNullOrEmpty(recorded.Identifier));
        Assert.InRange(recorded.Timestamp, before, sandbox.Control.Now);
    }

    [Fact]
    public async Task The_stream_refuses_an_unknown_token_with_401()
    {
        await using var sandbox = await SandboxHost.StartAsync();

        var error = await Assert.ThrowsAsync<StripeException>(() => StreamAsync(sandbox, "token_unknown", Event("usage-1", "1")));

        Assert.Equal(HttpStatusCode.Unauthorized, error.HttpStatusCode);
        Assert.Equal("invalid_request_error", error.StripeError.Type);
        Assert.Empty(sandbox.Control.MeterEvents);
    }

    [Fact]
    public async Task The_stream_refuses_the_secret_key_with_401()
    {
        await using var sandbox = await SandboxHost.StartAsync();

        var error = await Assert.ThrowsAsync<StripeException>(() => StreamAsync(sandbox, SandboxHost.TestKey, Event("usage-1", "1")));

        Assert.Equal(HttpStatusCode.Unauthorized, error.HttpStatusCode);
        Assert.Contains("meter event session", error.StripeError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_session_token_is_401_temporary_session_expired()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var token = await TokenAsync(sandbox);
        await sandbox.Control.AdvanceClockAsync(TimeSpan.FromMinutes(15), Ct);

        var error = await Assert.ThrowsAsync<Stripe.V2.TemporarySessionExpiredException>(() => StreamAsync(sandbox, token, Event("usage-1", "1")));

        Assert.Equal(HttpStatusCode.Unauthorized, error.HttpStatusCode);
        Assert.Equal("billing_meter_event_session_expired", error.StripeError.Code);
        Assert.Empty(sandbox.Control.MeterEvents);
    }

    [Fact]
    public async Task More_than_100_events_in_one_call_are_refused_with_400_and_none_recorded()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var token = await TokenAsync(sandbox);
        var events = Enumerable.Range(0, 101).Select(i => Event($"usage-{i}", "1")).ToArray();

        var error = await Assert.ThrowsAsync<StripeException>(() => StreamAsync(sandbox, token, events));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Contains("at most 100", error.StripeError.Message, StringComparison.Ordinal);
        Assert.Empty(sandbox.Control.MeterEvents);
    }

    [Fact]
    public async Task Exactly_100_events_in_one_call_are_accepted()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var token = await TokenAsync(sandbox);

        await StreamAsync(sandbox, token, [.. Enumerable.Range(0, 100).Select(i => Event($"usage-{i}", "1"))]);

        Assert.Equal(100, sandbox.Control.MeterEvents.Count);
    }

    [Theory]
    [InlineData("""{"events":[{"identifier":"u1","payload":{"stripe_customer_id":"cus_1","value":"1"}}]}""", "events[0].event_name")]
    [InlineData("""{"events":[{"event_name":"api_requests","identifier":"u1"}]}""", "events[0].payload")]
    [InlineData("""{"events":[{"event_name":"api_requests","identifier":"u1","payload":{"value":"1"}}]}""", "events[0].payload.stripe_customer_id")]
    [InlineData("""{"events":[{"event_name":"api_requests","identifier":"u1","payload":{"stripe_customer_id":"cus_1"}}]}""", "events[0].payload.value")]
    [InlineData("""{"events":[{"event_name":"api_requests","identifier":"u1","payload":{"stripe_customer_id":"cus_1","value":"lots"}}]}""", "events[0].payload.value")]
    [InlineData("""{"events":[{"event_name":"api_requests","identifier":"u1","timestamp":"yesterday","payload":{"stripe_customer_id":"cus_1","value":"1"}}]}""", "events[0].timestamp")]
    [InlineData("""{"events":[{"event_name":"api_requests","identifier":"u0","payload":{"stripe_customer_id":"cus_1","value":"1"}},{"event_name":"api_requests","payload":{"stripe_customer_id":"cus_1"}}]}""", "events[1].payload.value")]
    [InlineData("""{}""", "events")]
    public async Task A_call_missing_or_misforming_a_field_is_refused_with_400_naming_it_and_nothing_recorded(string body, string field)
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var token = await TokenAsync(sandbox);

        var (status, error) = await PostStreamAsync(sandbox, token, body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.StartsWith(field + " ", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(sandbox.Control.MeterEvents);
    }

    [Theory]
    [InlineData("2026-03-01T12:30:15Z")]
    [InlineData("2026-03-01T12:30:15.250Z")]
    [InlineData("2026-03-01T13:30:15.250+01:00")]
    public async Task A_timestamp_is_read_as_an_RFC_3339_date_time(string timestamp)
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var token = await TokenAsync(sandbox);

        var (status, _) = await PostStreamAsync(sandbox, token, $$$"""{"events":[{"event_name":"api_requests","timestamp":"{{{timestamp}}}","payload":{"stripe_customer_id":"cus_1","value":"1"}}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(DateTimeOffset.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture), Assert.Single(sandbox.Control.MeterEvents).Timestamp);
    }

    [Fact]
    public async Task Planned_failures_answer_500_and_record_nothing_until_they_are_used_up()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var token = await TokenAsync(sandbox);
        sandbox.Control.FailNextMeterEventStreamCalls(2);

        var first = await Assert.ThrowsAsync<StripeException>(() => StreamAsync(sandbox, token, Event("usage-1", "1")));
        var second = await Assert.ThrowsAsync<StripeException>(() => StreamAsync(sandbox, token, Event("usage-1", "1")));
        Assert.Empty(sandbox.Control.MeterEvents);
        await StreamAsync(sandbox, token, Event("usage-1", "1"));

        Assert.Equal([HttpStatusCode.InternalServerError, HttpStatusCode.InternalServerError], [first.HttpStatusCode, second.HttpStatusCode]);
        Assert.Equal(1, Assert.Single(sandbox.Control.MeterEvents).Received);
    }

    [Fact]
    public async Task A_planned_failure_is_not_used_up_by_a_call_refused_for_its_token()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var token = await TokenAsync(sandbox);
        sandbox.Control.FailNextMeterEventStreamCalls(1);

        await Assert.ThrowsAsync<StripeException>(() => StreamAsync(sandbox, "token_unknown", Event("usage-1", "1")));
        var error = await Assert.ThrowsAsync<StripeException>(() => StreamAsync(sandbox, token, Event("usage-1", "1")));

        Assert.Equal(HttpStatusCode.InternalServerError, error.HttpStatusCode);
    }

    [Fact]
    public async Task Failures_are_planned_over_HTTP_too()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var token = await TokenAsync(sandbox);

        var planned = await sandbox.PostJsonAsync("/sandbox/meter-events/fail", """{"count":1,"status":503}""");
        var error = await Assert.ThrowsAsync<StripeException>(() => StreamAsync(sandbox, token, Event("usage-1", "1")));
        await StreamAsync(sandbox, token, Event("usage-1", "1"));

        Assert.Equal(HttpStatusCode.OK, planned);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.HttpStatusCode);
        Assert.Single(sandbox.Control.MeterEvents);
    }

    [Theory]
    [InlineData("""{"count":1,"status":400}""")]
    [InlineData("""{"count":-1}""")]
    [InlineData("""{"count":"two"}""")]
    public async Task A_failure_plan_that_is_not_an_outage_is_refused_with_400(string body)
    {
        await using var sandbox = await SandboxHost.StartAsync();

        Assert.Equal(HttpStatusCode.BadRequest, await sandbox.PostJsonAsync("/sandbox/meter-events/fail", body));
    }

    [Fact]
    public async Task Stream_calls_are_in_the_request_log_with_their_events_as_bracket_keys()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var token = await TokenAsync(sandbox);

        await StreamAsync(sandbox, token, Event("usage-1", "2.5"));

        var logged = Assert.Single(sandbox.Requests.To("POST", "/v2/billing/meter_event_stream"));
        Assert.Equal(200, logged.StatusCode);
        Assert.Equal("2.5", logged.Parameter("events[0][payload][value]"));
        Assert.Equal("usage-1", logged.Parameter("events[0][identifier]"));
        Assert.Single(sandbox.Requests.To("POST", "/v2/billing/meter_event_session"));
    }

    [Fact]
    public async Task A_body_naming_one_bracket_key_twice_is_logged_with_the_last_value()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var token = await TokenAsync(sandbox);

        // "note[a]" flat and "note": {"a"} nested are the same bracket key in the log.
        var (status, _) = await PostStreamAsync(sandbox, token, """
            {"events": [{"event_name": "api_requests", "identifier": "twice-1", "payload": {"stripe_customer_id": "cus_1", "value": "1"}}],
             "note[a]": "first", "note": {"a": "second"}}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("second", Assert.Single(sandbox.Requests.To("POST", "/v2/billing/meter_event_stream")).Parameter("note[a]"));
    }

    private static async Task<string> TokenAsync(SandboxHost sandbox) =>
        (await sandbox.Stripe.V2.Billing.MeterEventSession.CreateAsync(new MeterEventSessionCreateOptions(), cancellationToken: Ct)).AuthenticationToken;

    private static Task StreamAsync(SandboxHost sandbox, string token, params MeterEventStreamCreateEventOptions[] events) =>
        sandbox.Stripe.V2.Billing.MeterEventStream.CreateAsync(new MeterEventStreamCreateOptions { Events = [.. events] }, new RequestOptions { ApiKey = token }, Ct);

    private static MeterEventStreamCreateEventOptions Event(string identifier, string value, DateTime? timestamp = null) => new()
    {
        EventName = "api_requests",
        Identifier = identifier,
        Payload = Payload(value),
        Timestamp = timestamp,
    };

    private static Dictionary<string, string> Payload(string value) => new() { ["stripe_customer_id"] = "cus_1", ["value"] = value };

    /// <summary>A raw call, for bodies Stripe.net would never send.</summary>
    private static async Task<(HttpStatusCode Status, JsonElement Error)> PostStreamAsync(SandboxHost sandbox, string token, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/sandbox/stripe/v2/billing/meter_event_stream", UriKind.Relative))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await sandbox.Http.SendAsync(request, Ct);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        return (response.StatusCode, body.TryGetProperty("error", out var error) ? error : body);
    }
}
