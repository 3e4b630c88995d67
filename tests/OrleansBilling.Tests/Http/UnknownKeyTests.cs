using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using OrleansBilling.GrainInterfaces.Products;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Http;

/// <summary>A service that counts the grain calls it receives, with a small allowance of failed authentications.</summary>
public sealed class CountingService : BillingService
{
    public const int Burst = 50;

    public GrainCallCounter Counter { get; } = new();

    protected override IEnumerable<string> Arguments() =>
        [$"--Billing:FailedAttempts:Burst={Burst}", "--Billing:FailedAttempts:Refill=1", "--Billing:FailedAttempts:PeriodSeconds=3600"];

    protected override void Configure(WebApplicationBuilder builder) =>
        builder.Services.AddSingleton<IIncomingGrainCallFilter>(Counter);
}

/// <summary>
/// Unknown keys cost nothing (issue 10 §2): refused from the gateway's copy of the key directory,
/// without a grain activation or a database read per key; and a client that keeps failing is
/// refused with 429 by .NET's rate limiter, on the 401 path and the webhook's alike.
/// </summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class UnknownKeyTests(CountingService service) : IClassFixture<CountingService>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Random_well_formed_keys_reach_no_grain_but_the_directory_and_it_at_most_once_a_second()
    {
        // Its own client address, so this test's failures spend no other test's allowance.
        using var client = ClientFrom("127.0.0.2");
        using var valid = service.Client();
        Assert.Equal(HttpStatusCode.OK, (await valid.GetAsync("/v1/customers/warm/entitlements", Cancellation)).StatusCode);
        var before = service.Counter.Calls;
        var clock = Stopwatch.StartNew();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < CountingService.Burst; i++)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "bk_" + Guid.NewGuid().ToString("N"));
            using var response = await client.GetAsync($"/v1/customers/random_{i}/entitlements", Cancellation);
            statuses.Add(response.StatusCode);
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        NothingAskedSince(before, clock, "random_", CountingService.Burst);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("bk_with spaces_0123456789")]
    [InlineData("bk_dots.and~tildes_0123456789")]
    [InlineData("bk_this_key_is_far_too_long_to_be_a_key_0123456789_0123456789_0123456789_0123456789_0123456789_0123456789_0123456789_0123456789")]
    public async Task A_key_of_the_wrong_shape_is_refused_before_anything_is_asked(string key)
    {
        var before = service.Counter.Calls;
        var clock = Stopwatch.StartNew();

        // Twenty of them, each from an address of its own (so no allowance runs out): a key that reached the
        // cluster would cost a call each, while the gateway's refreshes of its copy of the directory (at most one a
        // second) go on meanwhile.
        for (var i = 1; i <= 20; i++)
        {
            using var client = ClientFrom($"127.0.3.{i}");
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + key);
            using var response = await client.GetAsync($"/v1/customers/shape_{i}/entitlements", Cancellation);
            await response.ReadProblemAsync(HttpStatusCode.Unauthorized, "urn:orleans-billing:problem:unauthorized");
        }

        NothingAskedSince(before, clock, "shape_", 20);
    }

    /// <summary>
    /// Since <paramref name="before"/> no grain of the customers asked about (keys containing <paramref name="customers"/>) was
    /// called, the key directory at most once a second (the gateway's refreshes of its copy), and every other grain together
    /// fewer times than half the <paramref name="requests"/>: a key that cost a call of any grain would cost one per request,
    /// while the service's own background work (a wake-up, the delivery of an earlier test's change) costs a few.
    /// </summary>
    private void NothingAskedSince(IReadOnlyDictionary<string, int> before, Stopwatch clock, string customers, int requests)
    {
        var seconds = clock.Elapsed.TotalSeconds;
        Assert.Empty(service.Counter.Called(customers));
        var grew = service.Counter.Calls.ToDictionary(c => c.Key, c => c.Value - before.GetValueOrDefault(c.Key));
        var directory = grew.GetValueOrDefault("apikey-directory");
        Assert.True(directory <= 1 + (int)seconds, $"{directory} directory calls in {seconds:0.0} s");
        var others = grew.Where(g => g.Key != "apikey-directory" && g.Value > 0).ToList();
        Assert.True(others.Sum(g => g.Value) < requests / 2, $"{requests} refused requests, and meanwhile: {string.Join(", ", others.Select(g => $"{g.Value}× {g.Key}"))}");
    }

    [Fact]
    public async Task A_client_past_its_allowance_of_wrong_keys_hears_429_whatever_key_it_sends_until_the_allowance_refills()
    {
        using var client = ClientFrom("127.0.0.4");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "bk_not_a_key_0123456789");
        for (var i = 0; i < CountingService.Burst; i++)
        {
            using var refused = await client.GetAsync("/v1/customers/limited/entitlements", Cancellation);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var limited = await client.GetAsync("/v1/customers/limited/entitlements", Cancellation);
        using var rightGuess = ClientFrom("127.0.0.4", BillingService.DemoApiKey);
        using var guessed = await rightGuess.GetAsync("/v1/customers/limited/entitlements", Cancellation);
        using var adminGuess = ClientFrom("127.0.0.4", BillingService.AdminKey);
        using var guessedAdmin = await adminGuess.GetAsync("/admin/v1/anomalies", Cancellation);
        using var elsewhere = ClientFrom("127.0.0.6", BillingService.DemoApiKey);
        using var valid = await elsewhere.GetAsync("/v1/customers/limited/entitlements", Cancellation);

        await limited.ReadProblemAsync(HttpStatusCode.TooManyRequests, "urn:orleans-billing:problem:too-many-requests");
        Assert.Equal(TimeSpan.FromSeconds(3600), limited.Headers.RetryAfter?.Delta);
        await guessed.ReadProblemAsync(HttpStatusCode.TooManyRequests, "urn:orleans-billing:problem:too-many-requests");
        await guessedAdmin.ReadProblemAsync(HttpStatusCode.TooManyRequests, "urn:orleans-billing:problem:too-many-requests");
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
    }

    [Fact]
    public async Task A_sender_of_unverifiable_webhooks_hears_429_but_an_event_Stripe_signed_from_the_same_address_is_received()
    {
        using var client = ClientFrom("127.0.0.7");
        for (var i = 0; i < CountingService.Burst; i++)
        {
            using var refused = await client.DeliverAsync("{}", "t=1,v1=00", Cancellation);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        using var limited = await client.DeliverAsync("{}", "t=1,v1=00", Cancellation);
        var json = StripeEvents.Json("evt_limited_sender", "customer.subscription.updated", StripeEvents.Subscription("sub_limited", "demo", "nobody_limited"), DateTimeOffset.UtcNow);
        using var signed = await client.DeliverAsync(json, StripeEvents.Signature(json, BillingService.WebhookSecret, DateTimeOffset.UtcNow), Cancellation);
        using var keys = ClientFrom("127.0.0.7", BillingService.DemoApiKey);
        using var valid = await keys.GetAsync("/v1/customers/limited_sender/entitlements", Cancellation);

        await limited.ReadProblemAsync(HttpStatusCode.TooManyRequests, "urn:orleans-billing:problem:too-many-requests");
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
    }

    [Fact]
    public async Task A_key_issued_through_this_gateway_works_at_once_and_a_revoked_one_stops_at_once()
    {
        using var admin = service.Client(apiKey: BillingService.AdminKey);
        using var issuedResponse = await admin.PostAsync("/admin/v1/products/demo/api-keys", null, Cancellation);
        var issued = await issuedResponse.ReadOkAsync();
        using var client = ClientFrom("127.0.0.5", issued.GetProperty("key").GetString());

        using var works = await client.GetAsync("/v1/customers/fresh_key/entitlements", Cancellation);
        using var revoke = await admin.DeleteAsync($"/admin/v1/products/demo/api-keys/{issued.GetProperty("id").GetString()}", Cancellation);
        using var stopped = await client.GetAsync("/v1/customers/fresh_key/entitlements", Cancellation);

        Assert.Equal(HttpStatusCode.OK, works.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, stopped.StatusCode);
    }

    /// <summary>A client whose requests come from <paramref name="address"/> (another loopback address), so each test has its own allowance.</summary>
    private HttpClient ClientFrom(string address, string? apiKey = null)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
                await socket.ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
        };
        var client = new HttpClient(new ContractCheckingHandler(service.BaseAddress, inner: handler)) { BaseAddress = service.BaseAddress };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }
}
