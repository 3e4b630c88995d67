using OrleansBilling.Grains.Effects;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Effects;

/// <summary>The outbox's rules: order within a kind, pauses after failures, and when it next wants to run.</summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class EffectOutboxRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_effect_behind_a_failed_one_of_its_kind_neither_runs_nor_makes_the_outbox_due_before_it()
    {
        var outbox = new EffectOutbox();
        outbox.Add(Email("first"), Now);
        outbox.Add(Email("second"), Now);
        outbox.Add(new Effect.RetryPayment("in_1", "key"), Now);
        outbox.Failed(outbox.Entries[0], Now, "outage");

        var due = outbox.Due(Now);

        Assert.Equal([typeof(Effect.RetryPayment)], due.Select(e => e.Effect.GetType()));
        outbox.Done(due[0]);
        Assert.Equal(outbox.Entries[0].DueAt, outbox.NextDueAt);
        Assert.True(outbox.NextDueAt > Now);
    }

    [Fact]
    public void Pauses_double_from_five_seconds_up_to_an_hour_give_or_take_a_fifth()
    {
        Assert.InRange(EffectOutbox.Pause(1), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(6));
        Assert.InRange(EffectOutbox.Pause(3), TimeSpan.FromSeconds(16), TimeSpan.FromSeconds(24));
        Assert.InRange(EffectOutbox.Pause(60), TimeSpan.FromMinutes(48), TimeSpan.FromMinutes(72));
    }

    [Fact]
    public void Read_model_publishes_merge_and_the_newest_row_wins()
    {
        var outbox = new EffectOutbox();
        outbox.Add(new Effect.PublishReadModel(Row(2), [Entry(1)]), Now);
        outbox.Add(new Effect.PublishReadModel(Row(3), [Entry(2)]), Now);

        var publish = Assert.IsType<Effect.PublishReadModel>(Assert.Single(outbox.Entries).Effect);

        Assert.Equal(3, publish.Row.Version);
        Assert.Equal([1L, 2L], publish.Entries.Select(e => e.Sequence));
    }

    private static Effect.SendEmail Email(string moment) => new("welcome", 1, "ada@example.com", new Dictionary<string, string>(), $"demo/c1/{moment}", ["welcome", "demo"]);

    private static OrleansBilling.Grains.ReadModel.SubscriptionRow Row(long version) =>
        new("demo/c1", "demo", "c1", GrainInterfaces.Lifecycle.SubscriptionState.Active, "basic", null, null, null, null, version, Now);

    private static GrainInterfaces.Subscriptions.HistoryEntry Entry(long sequence) =>
        new(sequence, Now, GrainInterfaces.Subscriptions.HistoryKind.Fact, "InvoicePaid", GrainInterfaces.Lifecycle.SubscriptionState.Active, GrainInterfaces.Lifecycle.SubscriptionState.Active, "stripe:evt", null);
}
