using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansBilling.GrainInterfaces.Staff;
using OrleansBilling.Grains.Events;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Http;

/// <summary>
/// The admin API of event endpoints outside the local default (no plain HTTP, no private addresses): what it refuses, to
/// whom, and that a secret is only ever in the answer that makes it; and the sender's own guard, which will not connect to a
/// private address whatever the URL's name.
/// </summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class EventEndpointAdminTests(ProductionEventRulesService service) : IClassFixture<ProductionEventRulesService>
{
    private const string Endpoints = "/admin/v1/products/demo/event-endpoints";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("http://hooks.example.com/billing")]
    [InlineData("https://localhost/hooks")]
    [InlineData("https://127.0.0.1:8080/hooks")]
    [InlineData("https://10.0.0.7/hooks")]
    [InlineData("https://169.254.169.254/latest/meta-data/")]
    [InlineData("https://[::1]/hooks")]
    [InlineData("https://billing-silo/hooks")]
    [InlineData("not a url")]
    public async Task Endpoints_off_the_public_https_web_are_refused_and_nothing_is_stored(string url)
    {
        using var admin = service.Client(BillingService.AdminKey);
        using var response = await admin.PostJsonAsync(Endpoints, new { url, description = "refused" });

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("url", out _), problem.ToString());
        Assert.DoesNotContain("refused", await admin.GetStringAsync(Endpoints, Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_requests_get_problems_that_name_what_is_wrong()
    {
        using var admin = service.Client(BillingService.AdminKey);
        using (var unknownType = await admin.PostJsonAsync(Endpoints, new { url = "https://hooks.example.com/a", eventTypes = new[] { "subscription.exploded" } }))
        {
            Assert.True((await unknownType.ReadProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("eventTypes", out _));
        }

        using (var unknownProduct = await admin.GetAsync("/admin/v1/products/nope/event-endpoints", Ct))
        {
            await unknownProduct.ReadProblemAsync(HttpStatusCode.NotFound);
        }

        foreach (var (method, path) in new[] { ("GET", $"{Endpoints}/ep_none"), ("DELETE", $"{Endpoints}/ep_none"), ("POST", $"{Endpoints}/ep_none/rotate-secret"), ("GET", $"{Endpoints}/ep_none/deliveries") })
        {
            using var missing = await admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);
            await missing.ReadProblemAsync(HttpStatusCode.NotFound);
        }

        using var created = await admin.PostJsonAsync(Endpoints, new { url = "https://hooks.example.com/b" });
        var id = (await created.ReadJsonAsync()).GetProperty("endpoint").GetProperty("id").GetString();
        using (var overlap = await admin.PostJsonAsync($"{Endpoints}/{id}/rotate-secret?overlap=P30D", null))
        {
            await overlap.ReadProblemAsync(HttpStatusCode.BadRequest);
        }

        using (var neither = await admin.PostJsonAsync($"{Endpoints}/{id}/replay", new { }))
        {
            await neither.ReadProblemAsync(HttpStatusCode.BadRequest);
        }

        using (var unknownEvent = await admin.PostJsonAsync($"{Endpoints}/{id}/replay", new { eventId = "evt_none" }))
        {
            await unknownEvent.ReadProblemAsync(HttpStatusCode.NotFound);
        }

        using var limit = await admin.GetAsync($"{Endpoints}/{id}/deliveries?limit=1000", Ct);
        await limit.ReadProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_secret_is_in_the_answer_that_makes_it_and_nowhere_else()
    {
        using var admin = service.Client(BillingService.AdminKey);
        using var created = await admin.PostJsonAsync(Endpoints, new { url = "https://hooks.example.com/c", description = "secret" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.ReadJsonAsync();
        var secret = body.GetProperty("secret").GetString()!;
        var id = body.GetProperty("endpoint").GetProperty("id").GetString();
        Assert.Equal($"/admin/v1/products/demo/event-endpoints/{id}", created.Headers.Location!.OriginalString);

        using var rotated = await admin.PostJsonAsync($"{Endpoints}/{id}/rotate-secret?overlap=PT2H", null);
        var second = (await rotated.ReadOkAsync()).GetProperty("secret").GetString()!;

        foreach (var path in new[] { Endpoints, $"{Endpoints}/{id}", $"{Endpoints}/{id}/deliveries" })
        {
            var text = await admin.GetStringAsync(path, Ct);
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(second, text, StringComparison.Ordinal);
            Assert.DoesNotContain("whsec_", text, StringComparison.Ordinal);
        }

        Assert.NotEmpty(service.Logs.Entries);
        Assert.DoesNotContain(service.Logs.Entries, e => e.Message.Contains(secret, StringComparison.Ordinal) || e.Message.Contains(second, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(StaffRole.Support)]
    [InlineData(StaffRole.Finance)]
    public async Task Only_admins_manage_endpoints(StaffRole role)
    {
        using var staff = await service.StaffAsync($"events.{role.ToString().ToLowerInvariant()}", role);
        using (var list = await staff.GetAsync(Endpoints, Ct))
        {
            await list.ReadProblemAsync(HttpStatusCode.Forbidden);
        }

        using var create = await staff.PostJsonAsync(Endpoints, new { url = "https://hooks.example.com/d" });
        await create.ReadProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_sender_does_not_connect_to_a_private_address_even_by_a_name_that_resolves_to_one()
    {
        await using var receiver = await EventReceiver.StartAsync();
        var sender = service.Services.GetRequiredService<EventSender>();
        var port = new Uri(receiver.Url).Port;

        foreach (var url in new[] { receiver.Url, $"http://localhost:{port}/events" })
        {
            var sent = await sender.SendAsync(url, "evt_guard", "{}", ["whsec_" + Convert.ToBase64String(new byte[32])], Ct);
            Assert.False(sent.Delivered);
            Assert.Contains("not a public address", sent.Error, StringComparison.Ordinal);
        }

        Assert.Empty(receiver.Requests);
    }
}

/// <summary>The service with events to products held to production's rules: HTTPS only, public addresses only.</summary>
public sealed class ProductionEventRulesService : BillingService
{
    public CapturedLogs Logs { get; } = new();

    protected override IEnumerable<string> Arguments() =>
        ["--Billing:Events:AllowHttp=false", "--Billing:Events:AllowPrivateAddresses=false", "--Billing:Events:SandboxReceiver=false"];

    protected override void Configure(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder) => builder.Logging.AddProvider(Logs);
}
