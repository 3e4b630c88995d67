using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Lifecycle;

namespace OrleansBilling.Grains.Events;

/// <summary>One stored change of a subscription, as events to its product are made of it.</summary>
/// <param name="Version">The subscription's revision after the change.</param>
/// <param name="At">When it was stored.</param>
/// <param name="Before">The subscription as last stored.</param>
/// <param name="After">The subscription as stored now.</param>
/// <param name="Entries">The history entries of the change, oldest first.</param>
/// <param name="Entitlements">The entitlements after the change, when they differ from before; null when they do not.</param>
public sealed record ProductEventChange(
    long Version,
    DateTimeOffset At,
    Subscription Before,
    Subscription After,
    IReadOnlyList<HistoryEntry> Entries,
    EntitlementsView? Entitlements);
