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

    private static StripeWebhook Webhook()
    {
        var id = $"evt_store_{Guid.NewGuid():N}";
        return new StripeWebhook(id, "invoice.paid", "2026-10-28.endive", Now, $$"""{"id":"{{id}}","object":"event","type":"invoice.paid"}""");
    }
}
