using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Events;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Products;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.GrainInterfaces.Usage;
using OrleansBilling.Silo.Products;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Events;

/// <summary>
/// Events to products through the grains: decided with each change, stored, signed, sent to a receiver over HTTP, tried again
/// on the fake clock's back-off when it fails or hangs, given up after the window (and the endpoint disabled), replayed. Each
/// test has a product of its own, so its endpoints see only its customers.
/// </summary>
[Trait(TestKind.Trait, TestKind.Grain)]
public sealed class EventDeliveryTests(GrainCluster cluster) : IClassFixture<GrainCluster>
{
    private const string System = "admin:test";

    [Fact]
    public async Task A_customer_s_life_reaches_the_product_in_order_signed_and_once_each()
    {
        await using var receiver = await EventReceiver.StartAsync();
        var (product, issued) = await ProductWithEndpointAsync("evlife", receiver.Url);

        var grain = await ActiveAsync(product, "c1");
        Assert.True((await grain.ChangePlan("pro", ProrationMode.CreateProrations, CommandContext.Api)).Succeeded);
        await cluster.FailPaymentAsync(grain, "c1", "in_c1_2");
        Assert.True((await grain.Cancel(atPeriodEnd: false, CommandContext.Api)).Succeeded);

        string[] expected =
        [
            "subscription.updated", "entitlements.updated",                                 // checkout started: Incomplete
            "subscription.created", "entitlements.updated",                                 // activated
            "subscription.updated", "entitlements.updated",                                 // on pro
            "subscription.updated", "invoice.payment_failed", "dunning.step_taken",         // past due, the policy's first email at once
            "entitlements.updated",                                                         // with grace
            "subscription.canceled", "entitlements.updated",                                // ended
        ];
        await Poll.UntilAsync(() => receiver.AcceptedOf("c1").Count >= expected.Length, TimeSpan.FromSeconds(20), "every event of c1");

        var accepted = receiver.AcceptedOf("c1");
        Assert.True(expected.SequenceEqual(accepted.Select(e => e.Type)), string.Join(", ", accepted.Select(e => e.Type)));
        Assert.Equal(accepted.Select(e => e.Version).Order(), accepted.Select(e => e.Version));
        Assert.Equal((await grain.GetSubscription()).Version, accepted[^1].Version);
        Assert.Equal(accepted.Count, receiver.Requests.Count(r => r.Customer == "c1"));
        Assert.All(accepted, e => Assert.True(e.VerifiesWith(issued.Secret)));
        Assert.Equal("Canceled", accepted[^1].Data.GetProperty("state").GetString());
        Assert.False(accepted[^1].Data.GetProperty("entitled").GetBoolean());

        var log = await Endpoints(product).Deliveries(issued.Endpoint.Id, new DeliveryQuery(CustomerId: "c1"));
        Assert.All(log.Value!, d => Assert.Equal((DeliveryStatus.Delivered, 1, 204), (d.Status, d.Attempts, d.LastStatusCode)));
    }

    [Fact]
    public async Task A_receiver_that_fails_hangs_and_answers_500_for_a_while_gets_every_event_once_in_order_after_it_recovers()
    {
        await using var receiver = await EventReceiver.StartAsync();
        var (product, issued) = await ProductWithEndpointAsync("evflaky", receiver.Url);
        var requests = 0;
        receiver.Answer = async (_, aborted) =>
        {
            switch (Interlocked.Increment(ref requests))
            {
                case <= 6:
                    return 500;
                case <= 8:
                    // Hangs past the sender's timeout: not accepted, whatever it would have said.
                    await Task.Delay(Timeout.Infinite, aborted);
                    return 204;
                case <= 10:
                    return 429;
                default:
                    return 204;
            }
        };

        foreach (var customer in new[] { "f1", "f2" })
        {
            var grain = await ActiveAsync(product, customer);
            Assert.True((await grain.ChangePlan("pro", ProrationMode.CreateProrations, CommandContext.Api)).Succeeded);
        }

        var stored = cluster.ProductEvents.Events.Where(e => e.ProductId == product).ToList();
        Assert.Equal(12, stored.Count);
        await Poll.UntilAsync(
            () =>
            {
                cluster.Clock.Advance(TimeSpan.FromSeconds(30));
                return receiver.Accepted.Count == stored.Count;
            },
            TimeSpan.FromSeconds(60),
            "every event accepted");

        // Exactly the stored events, each accepted once (on the wire too: no answer was lost), each customer's in the order of its changes.
        Assert.Equal(stored.Select(e => e.Id).Order(), receiver.Accepted.Select(e => e.Id).Order());
        Assert.All(receiver.Requests.Where(r => r.Status is >= 200 and < 300).GroupBy(r => r.Id), answered => Assert.Single(answered));
        foreach (var customer in new[] { "f1", "f2" })
        {
            Assert.Equal(stored.Where(e => e.CustomerId == customer).Select(e => e.Id), receiver.AcceptedOf(customer).Select(e => e.Id));
        }

        // The log says what happened to the first event: 500s, a timeout, then delivered; and the endpoint stayed enabled.
        var first = receiver.Requests[0].Id;
        var attempts = (await Endpoints(product).Attempts(issued.Endpoint.Id, first)).Value!;
        Assert.Equal(attempts.Select(a => a.Attempt), Enumerable.Range(1, attempts.Count));
        Assert.Contains(attempts, a => a.StatusCode == 500 && !a.Delivered);
        Assert.True(attempts[^1].Delivered);
        Assert.All(attempts.Zip(attempts.Skip(1)), pair => Assert.True(pair.Second.At > pair.First.At, "each retry waits its pause"));
        Assert.Contains(receiver.Requests, r => r.Status == 0);
        var endpoint = await Endpoints(product).Get(issued.Endpoint.Id);
        Assert.Equal((true, 0, 0), (endpoint!.Enabled, endpoint.Pending, endpoint.Failed));
    }

    [Fact]
    public async Task One_hanging_endpoint_delays_no_other()
    {
        await using var hanging = await EventReceiver.StartAsync();
        await using var healthy = await EventReceiver.StartAsync();
        var release = new TaskCompletionSource();
        hanging.Answer = async (_, aborted) =>
        {
            await release.Task.WaitAsync(aborted);
            return 204;
        };
        var (product, _) = await ProductWithEndpointAsync("evslow", hanging.Url);
        Assert.True((await Endpoints(product).Create(new EventEndpointRequest(healthy.Url, null, "healthy", null), System)).Succeeded);

        await ActiveAsync(product, "s1");

        // The hanging endpoint holds its first event until released; the healthy one has all four meanwhile.
        await Poll.UntilAsync(() => healthy.AcceptedOf("s1").Count == 4, TimeSpan.FromSeconds(10), "the healthy endpoint's events");
        release.SetResult();
    }

    [Fact]
    public async Task An_endpoint_failing_for_the_whole_window_is_disabled_and_a_replay_sends_what_it_missed()
    {
        await using var receiver = await EventReceiver.StartAsync();
        receiver.Answer = (_, _) => Task.FromResult(503);
        var (product, issued) = await ProductWithEndpointAsync("evdown", receiver.Url);
        var start = cluster.Clock.GetUtcNow();
        await ActiveAsync(product, "d1");

        await Poll.UntilAsync(
            async () =>
            {
                cluster.Clock.Advance(TimeSpan.FromHours(1));
                return (await Endpoints(product).Get(issued.Endpoint.Id))!.Enabled == false;
            },
            TimeSpan.FromSeconds(60),
            "the endpoint disabled");

        var disabled = (await Endpoints(product).Get(issued.Endpoint.Id))!;
        Assert.Contains("Every delivery failed for 72 hours", disabled.DisabledReason);
        Assert.True(disabled.DisabledAt >= start + TimeSpan.FromDays(3));
        // A customer's events go out in order: only the first was tried, and given up; the three behind it wait for the endpoint
        // to be enabled. About twenty tries over three days in real time; here the clock moves an hour at a time, so the first
        // few minutes' retries come as one.
        Assert.Equal((3, 1), (disabled.Pending, disabled.Failed));
        var requests = receiver.Requests.Count;
        Assert.InRange(requests, 10, 25);
        Assert.Single(receiver.Requests.DistinctBy(r => r.Id));

        // While disabled, new changes are stored but not sent to it.
        var grain = cluster.Grains.GetGrain<ISubscriptionGrain>(BillingIds.SubscriptionKey(product, "d1"));
        Assert.True((await grain.ChangePlan("pro", ProrationMode.CreateProrations, CommandContext.Api)).Succeeded);
        Assert.Equal(0, await cluster.Grains.GetGrain<IEventDeliveryGrain>(EventKeys.Delivery(product, issued.Endpoint.Id)).DeliverDue());
        Assert.Equal(requests, receiver.Requests.Count);

        // The product fixes its receiver; an admin queues the days it missed again, then enables the endpoint: in order.
        receiver.Answer = (_, _) => Task.FromResult(200);
        var replay = await Endpoints(product).Replay(issued.Endpoint.Id, new ReplayRequest(null, start, cluster.Clock.GetUtcNow().AddSeconds(1)), System);
        Assert.Equal(6, replay.Value!.Queued);
        Assert.True((await Endpoints(product).Update(issued.Endpoint.Id, new EventEndpointRequest(null, null, null, true), System)).Succeeded);

        await Poll.UntilAsync(() => receiver.AcceptedOf("d1").Count == 6, TimeSpan.FromSeconds(10), "the replayed events");
        var after = (await Endpoints(product).Get(issued.Endpoint.Id))!;
        Assert.Equal((true, null, 0, 0), (after.Enabled, after.DisabledReason, after.Pending, after.Failed));
        Assert.Equal(cluster.ProductEvents.Events.Where(e => e.CustomerId == "d1" && e.ProductId == product).Select(e => e.Id), receiver.AcceptedOf("d1").Select(e => e.Id));
    }

    [Fact]
    public async Task During_a_rotation_both_secrets_sign_and_after_it_only_the_new_one()
    {
        await using var receiver = await EventReceiver.StartAsync();
        var (product, issued) = await ProductWithEndpointAsync("evrotate", receiver.Url);
        var rotated = (await Endpoints(product).RotateSecret(issued.Endpoint.Id, TimeSpan.FromHours(1), System)).Value!;
        Assert.NotEqual(issued.Secret, rotated.Secret);
        Assert.Equal(cluster.Clock.GetUtcNow().AddHours(1), rotated.Endpoint.PreviousSecretExpiresAt);

        var grain = await ActiveAsync(product, "r1");
        await Poll.UntilAsync(() => receiver.AcceptedOf("r1").Count == 4, TimeSpan.FromSeconds(10), "the events during the overlap");
        var during = receiver.AcceptedOf("r1")[^1];
        Assert.Equal(2, during.Signature.Split(' ').Length);
        Assert.True(during.VerifiesWith(issued.Secret));
        Assert.True(during.VerifiesWith(rotated.Secret));

        cluster.Clock.Advance(TimeSpan.FromHours(2));
        Assert.True((await grain.ChangePlan("pro", ProrationMode.CreateProrations, CommandContext.Api)).Succeeded);
        await Poll.UntilAsync(() => receiver.AcceptedOf("r1").Count == 6, TimeSpan.FromSeconds(10), "the events after the overlap");
        var after = receiver.AcceptedOf("r1")[^1];
        Assert.Single(after.Signature.Split(' '));
        Assert.True(after.VerifiesWith(rotated.Secret));
        Assert.False(after.VerifiesWith(issued.Secret));
        Assert.Null((await Endpoints(product).Get(issued.Endpoint.Id))!.PreviousSecretExpiresAt);
    }

    [Fact]
    public async Task Endpoints_receive_only_the_types_they_asked_for_and_a_removed_one_nothing()
    {
        await using var receiver = await EventReceiver.StartAsync();
        var (product, issued) = await ProductWithEndpointAsync("evtypes", receiver.Url, [ProductEventTypes.SubscriptionCanceled, ProductEventTypes.SubscriptionCreated]);
        var grain = await ActiveAsync(product, "t1");
        await Poll.UntilAsync(() => receiver.Accepted.Count == 1, TimeSpan.FromSeconds(10), "subscription.created");
        Assert.Equal(ProductEventTypes.SubscriptionCreated, receiver.Accepted[0].Type);

        Assert.True(await Endpoints(product).Delete(issued.Endpoint.Id, System));
        Assert.True((await grain.Cancel(atPeriodEnd: false, CommandContext.Api)).Succeeded);
        Assert.Contains(cluster.ProductEvents.Events, e => e.ProductId == product && e.Type == ProductEventTypes.SubscriptionCanceled);
        Assert.Equal(0, await cluster.Grains.GetGrain<IEventDeliveryGrain>(EventKeys.Delivery(product, issued.Endpoint.Id)).DeliverDue());
        Assert.Single(receiver.Requests);
        Assert.Null(await Endpoints(product).Get(issued.Endpoint.Id));
    }

    [Fact]
    public async Task Usage_reaching_each_alert_of_its_limit_is_told_once_per_period_even_after_the_usage_grain_restarts()
    {
        await using var receiver = await EventReceiver.StartAsync();
        var (product, _) = await ProductWithEndpointAsync("evusage", receiver.Url, [ProductEventTypes.UsageThresholdReached], alerts: [50, 80, 100]);
        var grain = await ActiveAsync(product, "u1");
        var usage = cluster.Grains.GetGrain<IUsageGrain>(grain.GetPrimaryKeyString());
        var calls = 0;
        async Task Use(int count) => Assert.All(await usage.RecordUsage([new UsageEvent("api_calls", count, null, $"k{++calls}")]), r => Assert.Equal(UsageOutcome.Accepted, r.Outcome));

        await Use(400);
        await Use(200);
        await Poll.UntilAsync(() => receiver.Accepted.Count == 1, TimeSpan.FromSeconds(10), "the 50% alert");

        // A new activation of the usage grain knows nothing of what it told: it tells 50% again with 80%, and only 80% is new.
        await cluster.Cluster.DeactivateAsync(usage);
        await Use(250);
        await Poll.UntilAsync(() => receiver.Accepted.Count == 2, TimeSpan.FromSeconds(10), "the 80% alert");
        await Use(200);
        await Use(100);
        await Poll.UntilAsync(() => receiver.Accepted.Count == 3, TimeSpan.FromSeconds(10), "the 100% alert");

        Assert.Equal([50, 80, 100], receiver.Accepted.Select(e => e.Data.GetProperty("percent").GetInt32()));
        var full = receiver.Accepted[2].Data;
        Assert.Equal(("api_calls", 1000m, 1050m), (full.GetProperty("meterId").GetString(), full.GetProperty("limit").GetDecimal(), full.GetProperty("used").GetDecimal()));
        Assert.Equal((await grain.GetSubscription()).CurrentPeriodStart, full.GetProperty("periodStart").GetDateTimeOffset());
        var recorded = (await grain.GetSubscription()).RecentHistory.Where(h => h.Fact == HistoryFact.UsageThresholdReached).ToList();
        Assert.Equal(3, recorded.Count);
        Assert.All(recorded, h => Assert.Equal($"api:{product}", h.Actor));
    }

    [Fact]
    public async Task An_override_s_grant_and_its_expiry_each_tell_the_product_its_entitlements()
    {
        await using var receiver = await EventReceiver.StartAsync();
        var (product, _) = await ProductWithEndpointAsync("evexpiry", receiver.Url, [ProductEventTypes.EntitlementsUpdated]);
        var grain = await ActiveAsync(product, "x1");
        // The checkout's (incomplete: nothing) and the activation's.
        await Poll.UntilAsync(() => receiver.Accepted.Count == 2, TimeSpan.FromSeconds(10), "the activation's entitlements");

        var granted = await grain.GrantOverride(
            new OverrideRequest(null, "seats", null, 25, "pilot", cluster.Clock.GetUtcNow().AddHours(1)),
            new CommandContext(null, null, "admin:sam", new GrainInterfaces.Staff.StaffAction("sam", GrainInterfaces.Staff.StaffRole.Support, "grant-override", "pilot")));
        Assert.True(granted.Succeeded);
        await Poll.UntilAsync(() => receiver.Accepted.Count == 3, TimeSpan.FromSeconds(10), "the override's entitlements");
        Assert.Equal(25, receiver.Accepted[2].Data.GetProperty("limits").GetProperty("seats").GetInt64());

        // Time alone ends it: the product hears the plan's limit again.
        await Poll.UntilAsync(
            () =>
            {
                cluster.Clock.Advance(TimeSpan.FromMinutes(10));
                return receiver.Accepted.Count == 4;
            },
            TimeSpan.FromSeconds(20),
            "the expiry's entitlements");
        Assert.Equal(1, receiver.Accepted[3].Data.GetProperty("limits").GetProperty("seats").GetInt64());
        Assert.True(receiver.Accepted[3].Version > receiver.Accepted[2].Version);
    }

    [Fact]
    public async Task Bad_endpoint_requests_are_refused_and_change_nothing()
    {
        var (product, issued) = await ProductWithEndpointAsync("evbad", "http://127.0.0.1:9/none");
        var endpoints = Endpoints(product);

        Assert.Equal(CommandErrorCode.InvalidRequest, (await endpoints.Create(new EventEndpointRequest("ftp://example.com/x", null, null, null), System)).Error!.Code);
        Assert.Equal(CommandErrorCode.InvalidRequest, (await endpoints.Create(new EventEndpointRequest("https://example.com/x", ["subscription.exploded"], null, null), System)).Error!.Code);
        Assert.Equal(CommandErrorCode.InvalidRequest, (await endpoints.Create(new EventEndpointRequest("https://example.com/x", [], null, null), System)).Error!.Code);
        Assert.Equal(CommandErrorCode.InvalidRequest, (await endpoints.Update(issued.Endpoint.Id, new EventEndpointRequest(null, null, new string('x', 201), null), System)).Error!.Code);
        Assert.Equal(CommandErrorCode.InvalidRequest, (await endpoints.RotateSecret(issued.Endpoint.Id, TimeSpan.FromDays(8), System)).Error!.Code);
        Assert.Equal(CommandErrorCode.InvalidRequest, (await endpoints.Replay(issued.Endpoint.Id, new ReplayRequest("evt_x", cluster.Clock.GetUtcNow(), null), System)).Error!.Code);
        Assert.Equal(CommandErrorCode.InvalidRequest, (await endpoints.Replay(issued.Endpoint.Id, new ReplayRequest(null, cluster.Clock.GetUtcNow(), cluster.Clock.GetUtcNow()), System)).Error!.Code);
        Assert.Equal(CommandErrorCode.EventNotFound, (await endpoints.Replay(issued.Endpoint.Id, new ReplayRequest("evt_unknown", null, null), System)).Error!.Code);
        Assert.Equal(CommandErrorCode.EndpointNotFound, (await endpoints.Update("ep_none", new EventEndpointRequest(null, null, "x", null), System)).Error!.Code);
        Assert.Equal(CommandErrorCode.EndpointNotFound, (await endpoints.Deliveries("ep_none", new DeliveryQuery())).Error!.Code);

        var unchanged = Assert.Single(await endpoints.List());
        Assert.Equal((issued.Endpoint.Url, issued.Endpoint.Description, issued.Endpoint.UpdatedAt), (unchanged.Url, unchanged.Description, unchanged.UpdatedAt));
        Assert.Equal(ProductEventTypes.All, unchanged.EventTypes);
    }

    [Fact]
    public async Task A_change_s_events_are_stored_while_its_read_model_write_is_still_under_way()
    {
        const string product = "evbeside";
        Assert.Empty(await cluster.Grains.GetGrain<IProductGrain>(BillingIds.ProductKey(product)).Configure(DemoProduct.Definition with { ProductId = product }));
        var grain = await ActiveAsync(product, "c1");
        int Stored() => cluster.ProductEvents.Events.Count(e => e.ProductId == product);
        var before = Stored();
        var key = BillingIds.SubscriptionKey(product, "c1");
        var history = (await cluster.ReadModel.Store.ReadAsync(key, null, 100, CancellationToken.None)).Count;
        var release = cluster.ReadModel.HoldNextOf(product, "c1");

        var change = grain.ChangePlan("pro", ProrationMode.CreateProrations, CommandContext.Api);
        try
        {
            // The two effects go side by side: the change waits for the slower, not for both one after the other.
            await Poll.UntilAsync(() => Stored() > before, TimeSpan.FromSeconds(10), "the plan change's events stored while the read model's write waits");
            Assert.False(change.IsCompleted);
        }
        finally
        {
            release.TrySetResult();
        }

        Assert.True((await change).Succeeded);
        Assert.True((await cluster.ReadModel.Store.ReadAsync(key, null, 100, CancellationToken.None)).Count > history);
    }

    private IEventEndpointsGrain Endpoints(string product) => cluster.Grains.GetGrain<IEventEndpointsGrain>(EventKeys.Endpoints(product));

    /// <summary>A product of its own (the demo product's catalog) with one endpoint.</summary>
    private async Task<(string Product, IssuedEndpointSecret Issued)> ProductWithEndpointAsync(string product, string url, IReadOnlyList<string>? types = null, IReadOnlyList<int>? alerts = null)
    {
        Assert.Empty(await cluster.Grains.GetGrain<IProductGrain>(BillingIds.ProductKey(product)).Configure(DemoProduct.Definition with { ProductId = product, UsageAlerts = alerts }));
        var created = await Endpoints(product).Create(new EventEndpointRequest(url, types, "the product's receiver", null), System);
        Assert.True(created.Succeeded, created.Error?.Message);
        Assert.StartsWith("whsec_", created.Value!.Secret);
        return (product, created.Value);
    }

    /// <summary>A customer of <paramref name="product"/> checked out and activated on basic.</summary>
    private async Task<ISubscriptionGrain> ActiveAsync(string product, string customer)
    {
        var grain = cluster.Grains.GetGrain<ISubscriptionGrain>(BillingIds.SubscriptionKey(product, customer));
        Assert.True((await grain.StartCheckout(new CheckoutRequest("basic", "https://app.test/ok", "https://app.test/no", "ada@example.com"), CommandContext.Api)).Succeeded);
        var now = cluster.Clock.GetUtcNow();
        var outcome = await grain.ApplyProviderEvent(new ProviderEvent(
            $"evt_{product}_{customer}_on", ProviderEventKind.SubscriptionActivated, now, ProviderSubscriptionId: $"sub_{customer}", PlanId: "basic", PeriodStart: now, PeriodEnd: now.AddMonths(1)));
        Assert.Equal(LifecycleTransition.Activated, outcome.Transition);
        return grain;
    }
}
