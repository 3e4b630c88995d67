namespace OrleansBilling.GrainInterfaces.Webhooks;

/// <summary>A Stripe event whose signature, age and API version the gateway has verified.</summary>
/// <param name="EventId">Stripe's event id (<c>evt_…</c>).</param>
/// <param name="Type">The event type (<c>invoice.paid</c>).</param>
/// <param name="ApiVersion">The API version it was rendered in.</param>
/// <param name="Created">When Stripe says it happened (one-second resolution; never used to order).</param>
/// <param name="Payload">The raw JSON body exactly as received, for the audit trail and replay.</param>
[GenerateSerializer, Immutable, Alias("billing.StripeWebhook")]
public sealed record StripeWebhook(
    [property: Id(0)] string EventId,
    [property: Id(1)] string Type,
    [property: Id(2)] string ApiVersion,
    [property: Id(3)] DateTimeOffset Created,
    [property: Id(4)] string Payload);
