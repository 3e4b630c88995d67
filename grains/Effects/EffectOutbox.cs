namespace OrleansBilling.Grains.Effects;

/// <summary>
/// The effects a grain has decided and not yet done, persisted with the state that decided them
/// (eShop's integration-event log, inside the grain): written in the same write as the decision,
/// removed when done, and tried again with growing pauses when they fail. An effect waits behind an
/// earlier one of its own kind, so a customer's emails go out in the order they were decided, while a
/// failing email holds up nothing else.
/// </summary>
[GenerateSerializer, Alias("billing.EffectOutbox")]
public sealed class EffectOutbox
{
    /// <summary>The longest pause between two attempts of a failing effect.</summary>
    public static readonly TimeSpan LongestPause = TimeSpan.FromHours(1);

    private static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(5);

    [Id(0)] public List<OutboxEntry> Entries { get; set; } = [];

    /// <summary>The id of the last effect added.</summary>
    [Id(1)] public long LastId { get; set; }

    public bool IsEmpty => Entries.Count == 0;

    /// <summary>
    /// When the next entry may run, or null when nothing waits: the earliest of the first entries of
    /// each kind, since a later one waits behind the first of its kind whatever its own time says.
    /// </summary>
    public DateTimeOffset? NextDueAt =>
        Entries.Count == 0 ? null : Entries.GroupBy(e => e.Effect.GetType()).Min(kind => kind.First().DueAt);

    /// <summary>
    /// Adds an effect, due at once. Read-model publishes merge into one still waiting: the newest row
    /// wins and the history entries of both go together; so do events to the product; a newer billing period
    /// replaces an older one.
    /// </summary>
    public void Add(Effect effect, DateTimeOffset now)
    {
        if (effect is Effect.PublishReadModel publish
            && Entries.FindIndex(e => e.Effect is Effect.PublishReadModel) is >= 0 and var waiting)
        {
            var earlier = (Effect.PublishReadModel)Entries[waiting].Effect;
            var row = earlier.Row.Version > publish.Row.Version ? earlier.Row : publish.Row;
            Entries[waiting] = Entries[waiting] with { Effect = new Effect.PublishReadModel(row, [.. earlier.Entries, .. publish.Entries]) };
            return;
        }

        if (effect is Effect.PublishProductEvents events
            && Entries.FindIndex(e => e.Effect is Effect.PublishProductEvents) is >= 0 and var queued)
        {
            // One write of the store for all that waits, in the order the changes were stored.
            var earlier = (Effect.PublishProductEvents)Entries[queued].Effect;
            Entries[queued] = Entries[queued] with { Effect = new Effect.PublishProductEvents([.. earlier.Events, .. events.Events.Where(e => !earlier.Events.Any(x => x.Id == e.Id))]) };
            return;
        }

        if (effect is Effect.SyncUsagePeriod && Entries.FindIndex(e => e.Effect is Effect.SyncUsagePeriod) is >= 0 and var stale)
        {
            // Only the newest period matters to the usage grain.
            Entries[stale] = Entries[stale] with { Effect = effect };
            return;
        }

        if (!Entries.Any(e => e.Effect.Equals(effect)))
        {
            Entries.Add(new OutboxEntry(++LastId, effect, 0, now));
        }
    }

    /// <summary>The entries to run at <paramref name="now"/>, in order: due, and not behind a waiting one of the same kind.</summary>
    public IReadOnlyList<OutboxEntry> Due(DateTimeOffset now)
    {
        var waiting = new HashSet<Type>();
        var due = new List<OutboxEntry>();
        foreach (var entry in Entries)
        {
            var kind = entry.Effect.GetType();
            if (entry.DueAt <= now && !waiting.Contains(kind))
            {
                due.Add(entry);
            }
            else
            {
                waiting.Add(kind);
            }
        }

        return due;
    }

    /// <summary>The entry is done: it leaves the outbox.</summary>
    public void Done(OutboxEntry entry) => Entries.RemoveAll(e => e.Id == entry.Id);

    /// <summary>The entry failed: it is tried again after a pause that doubles with each failure, up to <see cref="LongestPause"/>.</summary>
    public void Failed(OutboxEntry entry, DateTimeOffset now, string error)
    {
        var index = Entries.FindIndex(e => e.Id == entry.Id);
        if (index >= 0)
        {
            var attempts = Entries[index].Attempts + 1;
            Entries[index] = Entries[index] with { Attempts = attempts, DueAt = now + Pause(attempts), LastError = error };
        }
    }

    /// <summary>The pause after the <paramref name="attempts"/>-th failure: 5 s, 10 s, 20 s, … up to an hour, give or take a fifth.</summary>
    public static TimeSpan Pause(int attempts)
    {
        var exponent = Math.Min(attempts - 1, 20);
        var pause = TimeSpan.FromTicks(Math.Min(FirstPause.Ticks << exponent, LongestPause.Ticks));
        return pause * (0.8 + (Random.Shared.NextDouble() * 0.4));
    }
}
