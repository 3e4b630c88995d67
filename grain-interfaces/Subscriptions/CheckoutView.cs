using OrleansBilling.GrainInterfaces.Lifecycle;

namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>The hosted checkout a customer should be sent to.</summary>
[GenerateSerializer, Immutable, Alias("billing.CheckoutView")]
public sealed record CheckoutView(
    [property: Id(0)] string SessionId,
    [property: Id(1)] string Url,
    [property: Id(2)] SubscriptionState State);
