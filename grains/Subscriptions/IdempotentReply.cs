using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Grains.Subscriptions;

/// <summary>The first answer given to a request with an idempotency key, kept to answer its repeats.</summary>
[GenerateSerializer, Immutable, Alias("billing.IdempotentReply")]
public sealed record IdempotentReply(
    [property: Id(0)] string Fingerprint,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] CommandResult<CheckoutView>? Checkout,
    [property: Id(3)] CommandResult<SubscriptionView>? Subscription,
    [property: Id(4)] CommandResult<PortalView>? Portal = null,
    [property: Id(5)] CommandResult<OverrideView>? Override = null,
    [property: Id(6)] CommandResult<RefundView>? Refund = null);
