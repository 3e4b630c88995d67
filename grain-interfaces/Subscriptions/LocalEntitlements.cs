using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>
/// The entitlements answers that the subscriptions active in this silo hold, so the gateway in the same process answers
/// from here without a grain call (Orleans carrying that call was a fifth of the silo's CPU under entitlements load,
/// bench/README.md). Only a subscription grain writes its entry, in its own turn: it keeps the answer when it computes it
/// or answers it, and drops it wherever it lets its own go (a write, new usage, a catalog change, a lost write, its
/// deactivation); an entry also lapses when the grain's answer would (an override's expiry, the period's end, the end of
/// access, the catalog due for a refresh), and there is none for a product without a catalog. So an entry is never older
/// than what a call would answer. A subscription active in another silo has no entry here: the gateway calls it.
/// </summary>
public sealed class LocalEntitlements(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Entry> answers = new(StringComparer.Ordinal);

    private sealed record Entry(EntitlementsView View, DateTimeOffset ValidUntil);

    /// <summary>The answer the subscription's grain in this silo holds and would give now.</summary>
    public bool TryGet(string subscriptionKey, [NotNullWhen(true)] out EntitlementsView? view)
    {
        view = answers.TryGetValue(subscriptionKey, out var entry) && clock.GetUtcNow() < entry.ValidUntil ? entry.View : null;
        return view is not null;
    }

    /// <summary>The subscription's grain in this silo holds <paramref name="view"/> until <paramref name="validUntil"/>, or until it drops it.</summary>
    public void Keep(string subscriptionKey, EntitlementsView view, DateTimeOffset validUntil) =>
        answers[subscriptionKey] = new Entry(view, validUntil);

    /// <summary>The subscription's grain in this silo no longer holds its answer.</summary>
    public void Drop(string subscriptionKey) => answers.TryRemove(subscriptionKey, out _);
}
