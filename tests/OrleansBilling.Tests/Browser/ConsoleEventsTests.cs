using System.Net;
using Microsoft.Playwright;
using OrleansBilling.GrainInterfaces.Staff;
using OrleansBilling.Tests.EndToEnd;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Browser;

/// <summary>
/// Events to products in the console, in a real browser on the local default: an admin adds a product's endpoint and
/// gets its secret once, the product receives a customer's events signed with it, the delivery log shows each attempt,
/// and the admin disables, replays and enables; every action is in the audit trail, never the secret. Support is refused.
/// </summary>
[Trait(TestKind.Trait, TestKind.EndToEnd)]
public sealed class ConsoleEventsTests(SandboxConsoleService service, Chromium chromium) : IClassFixture<SandboxConsoleService>, IClassFixture<Chromium>
{
    [Fact]
    public async Task An_admin_adds_an_endpoint_reads_its_log_and_disables_replays_and_enables_it()
    {
        await using var receiver = await EventReceiver.StartAsync();
        var page = await SignedInAsync(SandboxConsoleService.AdminPerson, SandboxConsoleService.AdminPassword);
        await page.GetByRole(AriaRole.Link, new() { Name = "Events" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "demo", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#endpoints")).ToContainTextAsync("Sandbox receiver");

        await page.GetByLabel("URL (HTTPS)").FillAsync(receiver.Url);
        await page.GetByLabel("subscription.created").CheckAsync();
        await page.GetByLabel("invoice.paid").CheckAsync();
        await page.GetByLabel("Description").FillAsync("CRM");
        await page.Locator("#add-endpoint").GetByLabel("Reason").FillAsync("The CRM follows new customers");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add the endpoint" }).ClickAsync();
        var secret = (await page.Locator("#new-secret").TextContentAsync())!.Trim();
        var endpointId = (await page.Locator("#new-secret-title").TextContentAsync())!.Split(' ')[^1];
        Assert.StartsWith("whsec_", secret);

        using var api = service.Client();
        await api.SubscribeToStripeSubscriptionAsync("cons_evt");
        await api.AllDeliveredAsync();
        await Poll.UntilAsync(() => receiver.AcceptedOf("cons_evt").Count == 2, TimeSpan.FromSeconds(20), "cons_evt's two events at the CRM");
        Assert.Equal(["subscription.created", "invoice.paid"], receiver.AcceptedOf("cons_evt").Select(e => e.Type));
        Assert.All(receiver.AcceptedOf("cons_evt"), e => Assert.True(e.VerifiesWith(secret)));

        await page.GotoAsync($"{service.BaseAddress}console/events?product=demo&endpoint={endpointId}");
        await Assertions.Expect(page.Locator("#deliveries tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#deliveries")).ToContainTextAsync("delivered after 1 attempt");
        var first = receiver.AcceptedOf("cons_evt")[0].Id;
        await page.GetByRole(AriaRole.Link, new() { Name = first }).ClickAsync();
        await Assertions.Expect(page.Locator("#attempts")).ToContainTextAsync("HTTP 204: delivered");
        await ConsolePages.KeepScreenshotAsync(page, "events");
        await ConsolePages.AssertAccessibleAsync(page);

        // Disabled, a replay waits; enabled, it goes, with the event's own id.
        var row = page.Locator("#endpoints tr", new() { HasText = endpointId });
        var disable = row.Locator("form", new() { HasText = "Disable" });
        await disable.GetByLabel("Reason").FillAsync("CRM maintenance");
        await disable.GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(page.Locator("#outcome")).ToContainTextAsync($"{endpointId} is disabled");
        await Assertions.Expect(page.Locator("#endpoints tr", new() { HasText = endpointId })).ToContainTextAsync("disabled");
        await Assertions.Expect(page.Locator("#endpoints tr", new() { HasText = endpointId })).ToContainTextAsync("CRM maintenance (ada)");

        var replay = page.Locator("#deliveries tr", new() { HasText = first }).Locator("form");
        await replay.GetByLabel("Reason").FillAsync("The CRM lost it");
        await replay.GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(page.Locator("#outcome")).ToContainTextAsync("1 events queued");
        Assert.Equal(2, receiver.Requests.Count(r => r.Customer == "cons_evt"));

        var enable = page.Locator("#endpoints tr", new() { HasText = endpointId }).Locator("form", new() { HasText = "Enable" });
        await enable.GetByLabel("Reason").FillAsync("CRM is back");
        await enable.GetByRole(AriaRole.Button).ClickAsync();
        await Poll.UntilAsync(() => receiver.Requests.Count(r => r.Id == first) == 2, TimeSpan.FromSeconds(20), "the replayed event");
        Assert.Equal(2, receiver.AcceptedOf("cons_evt").Count);

        var trail = await service.Grains.GetGrain<IStaffAuditGrain>(0).Find(new AuditQuery(Person: "ada", ProductId: "demo"));
        Assert.Equal(
            ["enable-event-endpoint", "replay-events", "disable-event-endpoint", "create-event-endpoint"],
            trail.Where(r => r.Outcome == AuditOutcome.Succeeded && r.Action.Contains("event", StringComparison.Ordinal)).Select(r => r.Action).Take(4));
        Assert.DoesNotContain(trail, r => r.Detail?.Contains(secret, StringComparison.Ordinal) == true || r.Reason?.Contains(secret, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Support_is_refused_the_events_page()
    {
        var page = await SignedInAsync(SandboxConsoleService.SupportPerson, SandboxConsoleService.SupportPassword);
        var response = await page.GotoAsync($"{service.BaseAddress}console/events?product=demo");

        Assert.Equal((int)HttpStatusCode.Forbidden, response!.Status);
        await Assertions.Expect(page.Locator("#problem-detail")).ToHaveTextAsync("This needs the admin role; sam has support.");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Events" })).ToHaveCountAsync(0);
    }

    private Task<IPage> SignedInAsync(string person, string password) => ConsolePages.SignedInAsync(chromium, service.BaseAddress, person, password);
}
