namespace OrleansBilling.GrainInterfaces.Webhooks;

/// <summary>
/// A provider event that was stored and answered but not applied: the lifecycle table had no
/// transition for it even after asking the provider, or it could not be read at all. A person sees
/// it here and may re-run it.
/// </summary>
/// <param name="EventId">Stripe's event id.</param>
/// <param name="EventType">Its type, or <see cref="StripeWebhookReader.Unknown"/>.</param>
/// <param name="SubscriptionKey">The subscription it is about, when known.</param>
/// <param name="State">The subscription's state that refused it; null for an unreadable event.</param>
/// <param name="Transition">The transition it asked for, if any.</param>
/// <param name="Detail">Why, in a sentence: for an unreadable event, which field could not be read (never its value).</param>
/// <param name="RecordedAt">When the anomaly was recorded.</param>
/// <param name="Kind">What kind of anomaly.</param>
/// <param name="Rerun">The latest re-run by a person, if any.</param>
[GenerateSerializer, Immutable, Alias("billing.AnomalyView")]
public sealed record AnomalyView(
    [property: Id(0)] string EventId,
    [property: Id(1)] string EventType,
    [property: Id(2)] string? SubscriptionKey,
    [property: Id(3)] string? State,
    [property: Id(4)] string? Transition,
    [property: Id(5)] string? Detail,
    [property: Id(6)] DateTimeOffset RecordedAt,
    [property: Id(7)] AnomalyKind Kind = AnomalyKind.NotAllowed,
    [property: Id(8)] AnomalyRerun? Rerun = null);

/// <summary>What kind of anomaly an event is.</summary>
public enum AnomalyKind
{
    /// <summary>The lifecycle table has no transition for it from the subscription's state.</summary>
    NotAllowed,

    /// <summary>Stripe signed it but it cannot be read: a field of the wrong type, out of range, or no text.</summary>
    Unreadable,

    /// <summary>It showed a second subscription of a customer who runs one; the service canceled the extra one and refunded it.</summary>
    DuplicateSubscription,
}

/// <summary>A person's re-run of an anomalous event.</summary>
/// <param name="Outcome">What the re-run came to (a <see cref="WebhookOutcome.Outcome"/>).</param>
/// <param name="Actor">Who re-ran it.</param>
/// <param name="At">When.</param>
[GenerateSerializer, Immutable, Alias("billing.AnomalyRerun")]
public sealed record AnomalyRerun(
    [property: Id(0)] string Outcome,
    [property: Id(1)] string Actor,
    [property: Id(2)] DateTimeOffset At);
