using System.Net;
using Stripe;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Sandbox;

/// <summary><c>GET /v1/events</c> lists what was emitted, newest first, filtered and paged like Stripe's.</summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class EventsApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Events_are_listed_newest_first()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        await sandbox.SubscribeAsync();

        var events = await sandbox.Stripe.V1.Events.ListAsync(new EventListOptions { Limit = 100 }, cancellationToken: Ct);

        Assert.Equal(sandbox.Receiver.Types.Reverse(), events.Data.Select(e => e.Type));
        Assert.All(events.Data, e => Assert.Equal(StripeConfiguration.ApiVersion, e.ApiVersion));
    }

    [Fact]
    public async Task Events_filter_by_type_and_by_a_wildcard()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        await sandbox.SubscribeAsync();

        var paid = await sandbox.Stripe.V1.Events.ListAsync(new EventListOptions { Type = "invoice.paid" }, cancellationToken: Ct);
        var invoices = await sandbox.Stripe.V1.Events.ListAsync(new EventListOptions { Type = "invoice.*" }, cancellationToken: Ct);

        Assert.Equal("paid", ((Invoice)Assert.Single(paid.Data).Data.Object).Status);
        Assert.Equal(["invoice.payment_succeeded", "invoice.paid", "invoice.finalized", "invoice.created"], invoices.Data.Select(e => e.Type));
    }

    [Fact]
    public async Task Events_filter_by_created_on_the_sandbox_clock()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        await sandbox.SubscribeAsync();
        await sandbox.AdvanceDaysAsync(20);
        var since = sandbox.Control.Now.UtcDateTime;
        await sandbox.AdvanceDaysAsync(11);

        var recent = await sandbox.Stripe.V1.Events.ListAsync(
            new EventListOptions { Created = new DateRangeOptions { GreaterThanOrEqual = since } },
            cancellationToken: Ct);

        Assert.Equal(5, recent.Data.Count);
        Assert.All(recent.Data, e => Assert.True(e.Created >= since.AddSeconds(-1)));
        Assert.Contains(recent.Data, e => e.Type == "customer.subscription.updated");
    }

    [Fact]
    public async Task Events_page_with_starting_after()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        await sandbox.SubscribeAsync();
        var all = await sandbox.Stripe.V1.Events.ListAsync(new EventListOptions { Limit = 100 }, cancellationToken: Ct);

        var first = await sandbox.Stripe.V1.Events.ListAsync(new EventListOptions { Limit = 3 }, cancellationToken: Ct);
        var second = await sandbox.Stripe.V1.Events.ListAsync(new EventListOptions { Limit = 3, StartingAfter = first.Data[^1].Id }, cancellationToken: Ct);
        var last = await sandbox.Stripe.V1.Events.ListAsync(new EventListOptions { Limit = 3, StartingAfter = second.Data[^1].Id }, cancellationToken: Ct);

        Assert.True(first.HasMore);
        Assert.True(second.HasMore);
        Assert.False(last.HasMore);
        Assert.Equal(all.Data.Select(e => e.Id), first.Data.Concat(second.Data).Concat(last.Data).Select(e => e.Id));
    }

    [Fact]
    public async Task An_event_is_fetched_by_id_and_a_missing_one_is_404()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        await sandbox.SubscribeAsync();
        var delivered = sandbox.Receiver.Events[2];

        var fetched = await sandbox.Stripe.V1.Events.GetAsync(delivered.Id, cancellationToken: Ct);
        var missing = await Assert.ThrowsAsync<StripeException>(() => sandbox.Stripe.V1.Events.GetAsync("evt_missing", cancellationToken: Ct));

        Assert.Equal(delivered.Type, fetched.Type);
        Assert.Equal(((Subscription)delivered.Data.Object).Id, ((Subscription)fetched.Data.Object).Id);
        Assert.Equal(0, fetched.PendingWebhooks);
        Assert.Equal(HttpStatusCode.NotFound, missing.HttpStatusCode);
    }
}
