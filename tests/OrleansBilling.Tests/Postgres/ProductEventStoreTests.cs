using OrleansBilling.GrainInterfaces.Events;
using OrleansBilling.Grains.Events;
using OrleansBilling.Silo.Database;
using OrleansBilling.Silo.Events;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Postgres;

/// <summary>
/// The outbox of events to products, PostgreSQL's and the local default's held to one contract: an append fans out to the
/// endpoints that want each event and is idempotent by id; what is due is the oldest pending event of each customer; attempts
/// are logged and move a delivery to delivered, pending or failed; replays and removals do what they say.
/// </summary>
[Trait(TestKind.Trait, TestKind.Postgres)]
public sealed class ProductEventStoreTests(ReadModelDatabaseFixture fixture) : IClassFixture<ReadModelDatabaseFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Stores => ["postgres", "memory"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task An_append_fans_out_to_the_enabled_endpoints_that_want_each_type_once(string kind)
    {
        var (store, product) = (Store(kind), Product());
        await store.SaveEndpointAsync(Endpoint(product, "ep_all"), Ct);
        await store.SaveEndpointAsync(Endpoint(product, "ep_created", [ProductEventTypes.SubscriptionCreated]), Ct);
        await store.SaveEndpointAsync(Endpoint(product, "ep_off") with { Enabled = false }, Ct);
        await store.SaveEndpointAsync(Endpoint(Product(), "ep_other"), Ct);

        var events = new[] { Event(product, "c1", 1, ProductEventTypes.SubscriptionCreated), Event(product, "c1", 1, ProductEventTypes.EntitlementsUpdated) };
        Assert.Equal(["ep_all", "ep_created"], (await store.AppendAsync(events, Now, Ct)).Order());
        Assert.Empty(await store.AppendAsync(events, Now, Ct));

        // One customer's events go one at a time: only the first is due for ep_all.
        Assert.Equal([events[0].Id], (await store.DueAsync(product, "ep_all", Now, 10, Ct)).Select(d => d.EventId));
        Assert.Equal([events[0].Id], (await store.DueAsync(product, "ep_created", Now, 10, Ct)).Select(d => d.EventId));
        Assert.Empty(await store.DueAsync(product, "ep_off", Now, 10, Ct));
        var counts = await store.CountsAsync(product, Ct);
        Assert.Equal((2, 0), counts["ep_all"]);
        Assert.Equal((1, 0), counts["ep_created"]);
        Assert.False(counts.ContainsKey("ep_off"));
        Assert.Contains((product, "ep_all"), await store.DueEndpointsAsync(Now, Ct));
        Assert.DoesNotContain((product, "ep_off"), await store.DueEndpointsAsync(Now, Ct));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task What_is_due_is_each_customer_s_oldest_pending_event_and_attempts_move_it_on(string kind)
    {
        var (store, product) = (Store(kind), Product());
        await store.SaveEndpointAsync(Endpoint(product, "ep"), Ct);
        var a1 = Event(product, "a", 1, ProductEventTypes.SubscriptionCreated);
        var b1 = Event(product, "b", 1, ProductEventTypes.SubscriptionCreated);
        var a2 = Event(product, "a", 2, ProductEventTypes.SubscriptionUpdated);
        await store.AppendAsync([a1, b1], Now, Ct);
        await store.AppendAsync([a2], Now, Ct);

        var due = await store.DueAsync(product, "ep", Now, 10, Ct);
        Assert.Equal([a1.Id, b1.Id], due.Select(d => d.EventId));
        Assert.Equal((0, Now, a1.Payload), (due[0].Attempts, due[0].WindowStart, due[0].Payload));
        Assert.Equal([a1.Id], (await store.DueAsync(product, "ep", Now, 1, Ct)).Select(d => d.EventId));

        // a1 fails and waits a minute: a2 waits behind it; b1 is delivered.
        await store.RecordAsync(product, "ep", [
            new DeliveryOutcome(due[0].Seq, 1, Now, 500, 12, false, "HTTP 500", Now.AddMinutes(1), Now, Now),
            new DeliveryOutcome(due[1].Seq, 1, Now, 204, 3, true, null, null, Now, Now)], Ct);
        Assert.Empty(await store.DueAsync(product, "ep", Now.AddSeconds(30), 10, Ct));
        Assert.Equal(Now.AddMinutes(1), await store.NextDueAsync(product, "ep", Ct));
        Assert.Equal(Now, (await store.EndpointAsync(product, "ep", Ct))!.LastDeliveredAt);

        var again = Assert.Single(await store.DueAsync(product, "ep", Now.AddMinutes(1), 10, Ct));
        Assert.Equal((a1.Id, 1), (again.EventId, again.Attempts));
        await store.RecordAsync(product, "ep", [new DeliveryOutcome(again.Seq, 2, Now.AddMinutes(1), null, 1000, false, "No answer within 1 s.", null, Now, Now)], Ct);

        // Given up, a1 holds nothing back any more.
        Assert.Equal([a2.Id], (await store.DueAsync(product, "ep", Now.AddMinutes(1), 10, Ct)).Select(d => d.EventId));
        var log = await store.DeliveriesAsync(product, "ep", new DeliveryQuery(), Ct);
        Assert.Equal([a2.Id, b1.Id, a1.Id], log.Select(d => d.EventId));
        Assert.Equal((DeliveryStatus.Failed, 2, (int?)null, "No answer within 1 s.", (DateTimeOffset?)null), (log[2].Status, log[2].Attempts, log[2].LastStatusCode, log[2].LastError, log[2].NextAttemptAt));
        Assert.Equal((DeliveryStatus.Delivered, 204, 3, Now), (log[1].Status, log[1].LastStatusCode!.Value, log[1].LastLatencyMs!.Value, log[1].DeliveredAt!.Value));
        Assert.Equal((DeliveryStatus.Pending, Now), (log[0].Status, log[0].NextAttemptAt!.Value));
        Assert.Equal([a1.Id], (await store.DeliveriesAsync(product, "ep", new DeliveryQuery(Status: DeliveryStatus.Failed), Ct)).Select(d => d.EventId));
        Assert.Equal([a2.Id, a1.Id], (await store.DeliveriesAsync(product, "ep", new DeliveryQuery(CustomerId: "a"), Ct)).Select(d => d.EventId));
        Assert.Equal([b1.Id, a1.Id], (await store.DeliveriesAsync(product, "ep", new DeliveryQuery(Before: a2.Id), Ct)).Select(d => d.EventId));
        Assert.Equal([b1.Id], (await store.DeliveriesAsync(product, "ep", new DeliveryQuery(Before: a2.Id, Limit: 1), Ct)).Select(d => d.EventId));

        var attempts = await store.AttemptsAsync(product, "ep", a1.Id, Ct);
        Assert.Equal([(1, (int?)500, false), (2, null, false)], attempts.Select(a => (a.Attempt, a.StatusCode, a.Delivered)));
        Assert.Equal((1, 1), (await store.CountsAsync(product, Ct))["ep"]);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Several_of_a_customer_s_events_are_due_together_only_as_an_unbroken_run_from_its_oldest(string kind)
    {
        var (store, product) = (Store(kind), Product());
        await store.SaveEndpointAsync(Endpoint(product, "ep"), Ct);
        var a = Enumerable.Range(1, 4).Select(v => Event(product, "a", v, ProductEventTypes.SubscriptionUpdated)).ToList();
        var b1 = Event(product, "b", 1, ProductEventTypes.SubscriptionUpdated);
        await store.AppendAsync([a[0], b1, a[1]], Now, Ct);
        await store.AppendAsync([a[2], a[3]], Now, Ct);

        Assert.Equal([a[0].Id, b1.Id, a[1].Id, a[2].Id], (await store.DueAsync(product, "ep", Now, 10, Ct, perCustomer: 3)).Select(d => d.EventId));
        Assert.Equal([a[0].Id, b1.Id], (await store.DueAsync(product, "ep", Now, 2, Ct, perCustomer: 3)).Select(d => d.EventId));

        // a's first fails and waits: nothing of a is due, however many are asked for.
        var first = (await store.DueAsync(product, "ep", Now, 1, Ct))[0];
        await store.RecordAsync(product, "ep", [new DeliveryOutcome(first.Seq, 1, Now, 503, 4, false, "HTTP 503", Now.AddMinutes(1), Now, Now)], Ct);
        Assert.Equal([b1.Id], (await store.DueAsync(product, "ep", Now, 10, Ct, perCustomer: 10)).Select(d => d.EventId));
        Assert.Equal([a[0].Id, b1.Id, a[1].Id, a[2].Id, a[3].Id], (await store.DueAsync(product, "ep", Now.AddMinutes(1), 10, Ct, perCustomer: 10)).Select(d => d.EventId));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_replay_queues_one_event_or_a_range_of_the_endpoint_s_types_again_with_a_new_window(string kind)
    {
        var (store, product) = (Store(kind), Product());
        var endpoint = Endpoint(product, "ep", [ProductEventTypes.SubscriptionCreated, ProductEventTypes.SubscriptionCanceled]);
        var early = Event(product, "c", 1, ProductEventTypes.SubscriptionCreated, Now.AddHours(-2));
        var skipped = Event(product, "c", 2, ProductEventTypes.EntitlementsUpdated, Now.AddHours(-1));
        var late = Event(product, "c", 3, ProductEventTypes.SubscriptionCanceled, Now.AddHours(-1));

        // Stored before the endpoint existed: nothing for it until replayed.
        await store.AppendAsync([early, skipped, late], Now.AddHours(-1), Ct);
        await store.SaveEndpointAsync(endpoint, Ct);
        Assert.Empty(await store.DueAsync(product, "ep", Now, 10, Ct));

        Assert.Null(await store.ReplayAsync(endpoint, new ReplayRequest("evt_unknown", null, null), Now, Ct));
        Assert.Equal(1, await store.ReplayAsync(endpoint, new ReplayRequest(null, Now.AddHours(-1), Now), Now, Ct));
        Assert.Equal([late.Id], (await store.DueAsync(product, "ep", Now, 10, Ct)).Select(d => d.EventId));

        var due = Assert.Single(await store.DueAsync(product, "ep", Now, 10, Ct));
        await store.RecordAsync(product, "ep", [new DeliveryOutcome(due.Seq, 1, Now, 200, 5, true, null, null, Now, Now)], Ct);
        Assert.Equal(1, await store.ReplayAsync(endpoint, new ReplayRequest(late.Id, null, null), Now.AddMinutes(5), Ct));
        var replayed = Assert.Single(await store.DueAsync(product, "ep", Now.AddMinutes(5), 10, Ct));
        Assert.Equal((late.Id, 1, Now.AddMinutes(5)), (replayed.EventId, replayed.Attempts, replayed.WindowStart));

        // An attempt under way since before the replay ends: its log stays, the replay stands.
        await store.RecordAsync(product, "ep", [new DeliveryOutcome(due.Seq, 2, Now.AddMinutes(4), null, 15000, false, "No answer", null, Now, Now)], Ct);
        Assert.Equal(DeliveryStatus.Pending, (await store.DeliveriesAsync(product, "ep", new DeliveryQuery(), Ct)).Single().Status);
        Assert.Equal(2, (await store.AttemptsAsync(product, "ep", late.Id, Ct)).Count);

        // An id of another product's event is unknown here.
        Assert.Null(await store.ReplayAsync(Endpoint(Product(), "ep"), new ReplayRequest(late.Id, null, null), Now, Ct));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Endpoints_are_kept_whole_and_removing_one_removes_its_deliveries(string kind)
    {
        var (store, product) = (Store(kind), Product());
        var endpoint = Endpoint(product, "ep") with
        {
            Secrets = [new EndpointSecret("whsec_old", Now.AddDays(-1), Now.AddHours(1)), new EndpointSecret("whsec_new", Now)],
            Description = "the CRM's receiver",
            DisabledAt = Now,
            DisabledReason = "paused for maintenance",
            Enabled = false,
        };
        await store.SaveEndpointAsync(endpoint, Ct);
        await store.SaveEndpointAsync(Endpoint(product, "ep2"), Ct);

        var stored = (await store.EndpointAsync(product, "ep", Ct))!;
        Assert.Equal((endpoint.Url, endpoint.Description, endpoint.Enabled, endpoint.DisabledAt, endpoint.DisabledReason, endpoint.CreatedAt, endpoint.CreatedBy),
            (stored.Url, stored.Description, stored.Enabled, stored.DisabledAt, stored.DisabledReason, stored.CreatedAt, stored.CreatedBy));
        Assert.Equal(endpoint.EventTypes, stored.EventTypes);
        Assert.Equal(endpoint.Secrets, stored.Secrets);
        Assert.Equal(["whsec_old", "whsec_new"], stored.SigningSecrets(Now));
        Assert.Equal(["whsec_new"], stored.SigningSecrets(Now.AddHours(1)));
        Assert.Equal(["ep", "ep2"], (await store.EndpointsAsync(product, Ct)).Select(e => e.Id));

        await store.AppendAsync([Event(product, "c", 1, ProductEventTypes.SubscriptionCreated)], Now, Ct);
        var due = Assert.Single(await store.DueAsync(product, "ep2", Now, 10, Ct));
        await store.RecordAsync(product, "ep2", [new DeliveryOutcome(due.Seq, 1, Now, 500, 5, false, "HTTP 500", Now.AddMinutes(1), Now, Now)], Ct);
        Assert.True(await store.DeleteEndpointAsync(product, "ep2", Ct));
        Assert.False(await store.DeleteEndpointAsync(product, "ep2", Ct));
        Assert.Null(await store.EndpointAsync(product, "ep2", Ct));
        Assert.Empty(await store.DeliveriesAsync(product, "ep2", new DeliveryQuery(), Ct));
        Assert.Empty(await store.AttemptsAsync(product, "ep2", due.EventId, Ct));
        Assert.Null(await store.NextDueAsync(product, "ep2", Ct));
    }

    // PostgreSQL as the silo has it: appends, attempts and replays through sessions that do not wait for the disk.
    private IProductEventStore Store(string kind) =>
        kind == "postgres" ? new PostgresProductEventStore(fixture.DataSource, fixture.RelaxedDataSource) : new InMemoryProductEventStore();

    private static string Product() => "p" + Guid.NewGuid().ToString("N")[..10];

    private static EventEndpoint Endpoint(string product, string id, IReadOnlyList<string>? types = null) =>
        new(product, id, $"https://hooks.example.com/{id}", types ?? ProductEventTypes.All, "", true, [new EndpointSecret("whsec_x", Now)], Now, "admin:test", Now);

    private static ProductEvent Event(string product, string customer, long version, string type, DateTimeOffset? at = null) =>
        new(ProductEvents.EventId(product, customer, version, ProductEventTypes.All.ToList().IndexOf(type)), type, product, customer, version, at ?? Now,
            $$"""{"type":"{{type}}","customer":"{{customer}}","version":{{version}}}""");
}
