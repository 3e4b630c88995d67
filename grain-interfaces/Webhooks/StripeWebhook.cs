namespace OrleansBilling.GrainInterfaces.Webhooks;

/// <summary>A Stripe event whose signature, age and API version the gateway has verified, as <see cref="StripeWebhookReader"/> read it.</summary>
/// <param name="EventId">Stripe's event id (<c>evt_…</c>).</param>
/// <param name="Type">The event type (<c>invoice.paid</c>); <see cref="StripeWebhookReader.Unknown"/> when unreadable.</param>
/// <param name="ApiVersion">The API version it was rendered in; <see cref="StripeWebhookReader.Unknown"/> when unreadable.</param>
/// <param name="Created">When Stripe says it happened (one-second resolution; never used to order); null when unreadable.</param>
/// <param name="Payload">The raw JSON body exactly as received, for the audit trail and re-runs.</param>
/// <param name="Unreadable">Why the envelope cannot be read, when it cannot: the event is stored and recorded as an anomaly, never applied.</param>
[GenerateSerializer, Immutable, Alias("billing.StripeWebhook")]
public sealed record StripeWebhook(
    [property: Id(0)] string EventId,
    [property: Id(1)] string Type,
    [property: Id(2)] string ApiVersion,
    [property: Id(3)] DateTimeOffset? Created,
    [property: Id(4)] string Payload,
    [property: Id(5)] string? Unreadable = null)
{
    /// <summary>The start of every event inbox's grain key, <c>stripe-event/{evt_id}</c>.</summary>
    public const string InboxKeyPrefix = "stripe-event/";

    /// <summary>The grain key of the inbox of event <paramref name="eventId"/>.</summary>
    public static string InboxKeyOf(string eventId) => InboxKeyPrefix + eventId;
}
