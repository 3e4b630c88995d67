using OrleansBilling.GrainInterfaces.Webhooks;
using OrleansBilling.Silo.Database;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Postgres;

/// <summary>The Stripe inbox on PostgreSQL: an event is stored once, and only a stored one has an outcome to look up.</summary>
[Trait(TestKind.Trait, TestKind.Postgres)]
public sealed class PostgresStripeEventStoreTests(ReadModelDatabaseFixture fixture) : IClassFixture<ReadModelDatabaseFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Storing_an_event_says_whether_it_was_stored_now_or_before()
    {
        var store = new PostgresStripeEventStore(fixture.DataSource);
        var webhook = Webhook();

        Assert.True(await store.InsertAsync(webhook, Now, Cancellation));
        Assert.Null(await store.FindOutcomeAsync(webhook.EventId, Cancellation));
        Assert.False(await store.InsertAsync(webhook, Now.AddMinutes(1), Cancellation));
    }

    [Fact]
    public async Task An_event_stored_again_after_its_outcome_keeps_that_outcome()
    {
        var store = new PostgresStripeEventStore(fixture.DataSource);
        var webhook = Webhook();
        await store.InsertAsync(webhook, Now, Cancellation);
        await store.SetOutcomeAsync(webhook.EventId, new WebhookOutcome("Recorded", "demo/store_test", "InvoicePaid"), Now, Cancellation);

        Assert.False(await store.InsertAsync(webhook, Now.AddMinutes(1), Cancellation));
        Assert.Equal("Recorded", await store.FindOutcomeAsync(webhook.EventId, Cancellation));
    }

    /// <summary>An insert lost with a crash of the database (it does not wait for the disk) leaves the event unanswered.</summary>
    [Fact]
    public async Task An_outcome_of_an_event_not_in_the_inbox_fails_and_stores_nothing()
    {
        var store = new PostgresStripeEventStore(fixture.DataSource);
        var webhook = Webhook();

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.SetOutcomeAsync(webhook.EventId, new WebhookOutcome("Recorded", "demo/store_test", "InvoicePaid"), Now, Cancellation));

        Assert.Null(await store.FindAsync(webhook.EventId, Cancellation));
    }

    [Fact]
    public async Task An_unreadable_event_is_kept_byte_for_byte_with_no_time_and_found_again()
    {
        var store = new PostgresStripeEventStore(fixture.DataSource);
        var id = $"evt_store_unreadable_{Guid.NewGuid():N}";
        var body = "{\"id\":\"" + id + "\",  \"type\":\"invoice.paid\",\"created\":\"soon\",\"data\":{\"object\":{\"name\":\"a\\u0000b\",\"x\":\"\\ud800\"}}}";
        var webhook = StripeWebhookReader.Read(body)!;

        Assert.True(await store.InsertAsync(webhook, Now, Cancellation));

        var found = await store.FindAsync(id, Cancellation);
        Assert.NotNull(webhook.Unreadable);
        Assert.Equal((body, (DateTimeOffset?)null, "invoice.paid"), (found!.Payload, found.Created, found.Type));
        Assert.Null(await store.FindAsync("evt_never_stored", Cancellation));
    }

    [Fact]
    public async Task An_unreadable_anomaly_lists_with_its_kind_and_its_latest_rerun()
    {
        var store = new PostgresStripeEventStore(fixture.DataSource);
        var id = $"evt_store_anomaly_{Guid.NewGuid():N}";
        var recordedAt = Now.AddYears(100); // newer than any other anomaly of the fixture's database, so first in the list
        await store.AddAnomalyAsync(new AnomalyView(id, StripeWebhookReader.Unknown, null, null, null, "created is not a time in Unix seconds", recordedAt, AnomalyKind.Unreadable), Cancellation);

        await store.RecordRerunAsync(id, new AnomalyRerun("Unreadable", "admin:Grace", Now), Cancellation);

        Assert.Equal(
            new AnomalyView(id, StripeWebhookReader.Unknown, null, null, null, "created is not a time in Unix seconds", recordedAt, AnomalyKind.Unreadable, new AnomalyRerun("Unreadable", "admin:Grace", Now)),
            (await store.RecentAnomaliesAsync(1, Cancellation))[0]);
    }

    private static StripeWebhook Webhook()
    {
        var id = $"evt_store_{Guid.NewGuid():N}";
        return new StripeWebhook(id, "invoice.paid", "2026-10-28.endive", Now, $$"""{"id":"{{id}}","object":"event","type":"invoice.paid"}""");
    }
}
