using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans;
using Orleans.Storage;
using OrleansBilling.Grains;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Http;

/// <summary>A service whose grain calls fail on demand as a dying silo's do, and whose logs are kept.</summary>
public sealed class FaultyClusterService : BillingService
{
    public ClusterFaults Faults { get; } = new();

    public CapturedLogs Logs { get; } = new();

    public FaultyGrainStorage Storage { get; } = new();

    protected override void Configure(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IIncomingGrainCallFilter>(Faults);
        builder.Services.AddKeyedSingleton<IGrainStorage>(
            BillingStorage.Name, (services, name) => Storage.Wrap(MemoryGrainStorageFactory.Create(services, (string)name!)));
        builder.Logging.AddProvider(Logs);
    }
}

/// <summary>
/// The cluster unavailable (issue 10 §3): a 503 problem with Retry-After, never a 500; a read tried
/// once more inside the gateway first. Client errors and outages are logged in one line each,
/// without a stack trace (§1).
/// </summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class ClusterUnavailableTests(FaultyClusterService service) : IClassFixture<FaultyClusterService>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_read_that_meets_one_unavailable_silo_is_tried_again_and_answered()
    {
        using var client = service.Client();
        await service.ActivateAsync(client, "outage_retried");
        service.Faults.FailNext("GetEntitlements", 1);

        using var response = await client.GetAsync("/v1/customers/outage_retried/entitlements", Cancellation);

        Assert.Equal("active", (await response.ReadOkAsync()).GetProperty("state").GetString()?.ToLowerInvariant());
        Assert.Equal(0, service.Faults.FailuresLeft);
    }

    [Fact]
    public async Task A_read_that_fails_twice_is_a_503_problem_with_retry_after_and_one_log_line_without_a_stack()
    {
        using var client = service.Client();
        await service.ActivateAsync(client, "outage_read");
        service.Faults.FailNext("GetEntitlements", 2);
        var logsBefore = service.Logs.Entries.Count;

        using var response = await client.GetAsync("/v1/customers/outage_read/entitlements", Cancellation);

        await response.ReadProblemAsync(HttpStatusCode.ServiceUnavailable, "urn:orleans-billing:problem:service-unavailable");
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        var logged = service.Logs.Entries.Skip(logsBefore).Where(e => e.Level >= LogLevel.Warning).ToList();
        var line = Assert.Single(logged);
        Assert.Null(line.Exception);
        Assert.Contains("SiloUnavailableException", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_while_the_database_is_out_of_reach_is_a_503_problem_not_a_500()
    {
        using var client = service.Client();
        service.Storage.FailReadsWith(new NpgsqlException("Failed to connect to 127.0.0.1:5432", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused)));
        try
        {
            // A customer never read before: its grain activates, and activation reads its state.
            using var response = await client.GetAsync("/v1/customers/outage_database/entitlements", Cancellation);

            await response.ReadProblemAsync(HttpStatusCode.ServiceUnavailable, "urn:orleans-billing:problem:service-unavailable");
        }
        finally
        {
            service.Storage.FailReadsWith(null);
        }
    }

    [Fact]
    public async Task A_command_is_not_retried_inside_the_gateway_and_is_a_503_the_caller_may_repeat_with_its_key()
    {
        using var client = service.Client();
        await service.ActivateAsync(client, "outage_command");
        service.Faults.FailNext("Cancel", 1);

        using var response = await client.PostJsonAsync("/v1/customers/outage_command/subscription/cancel", new { atPeriodEnd = true });
        using var again = await client.PostJsonAsync("/v1/customers/outage_command/subscription/cancel", new { atPeriodEnd = true });

        var problem = await response.ReadProblemAsync(HttpStatusCode.ServiceUnavailable, "urn:orleans-billing:problem:service-unavailable");
        Assert.Contains("same Idempotency-Key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("Canceling", (await again.ReadOkAsync()).GetProperty("state").GetString());
    }

    public static TheoryData<string, string, string, string?> ClientErrors => new()
    {
        { "malformed JSON", "POST", "/v1/checkout", "{\"customerId\":" },
        { "wrong JSON type", "POST", "/v1/checkout", """{"customerId":5}""" },
        { "no body", "POST", "/v1/customers/c1/subscription/plan", null },
        { "unknown route", "GET", "/v1/nothing-here", null },
        { "wrong method", "DELETE", "/v1/checkout", null },
        { "bad id", "GET", "/v1/customers/a%20b/entitlements", null },
        { "bad quantity", "POST", "/v1/customers/c1/usage", """{"meter":"api_calls","quantity":1e308,"idempotencyKey":"k"}""" },
        { "body too large", "POST", "/v1/checkout", new string(' ', 70_000) + "{}" },
    };

    [Theory]
    [MemberData(nameof(ClientErrors))]
    public async Task A_client_error_is_logged_without_a_stack_trace(string why, string method, string path, string? body)
    {
        using var client = service.Client();
        var logsBefore = service.Logs.Entries.Count;
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request, Cancellation);

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{why}: {response.StatusCode}");
        Assert.DoesNotContain(service.Logs.Entries.Skip(logsBefore), e => e.Exception is not null);
    }

    [Theory]
    [InlineData("/v1/checkout", 70_000)]
    [InlineData("/webhooks/stripe", 1_050_000)]
    public async Task A_chunked_body_past_its_routes_limit_is_a_413_problem_logged_without_a_stack(string path, int size)
    {
        using var client = service.Client();
        var logsBefore = service.Logs.Entries.Count;
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"padding\":\"" + new string('x', size) + "\"}"))),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Add("Stripe-Signature", "t=1,v1=00");

        using var response = await client.SendAsync(request, Cancellation);

        await response.ReadProblemAsync(HttpStatusCode.RequestEntityTooLarge, "urn:orleans-billing:problem:payload-too-large");
        Assert.DoesNotContain(service.Logs.Entries.Skip(logsBefore), e => e.Exception is not null);
    }
}
