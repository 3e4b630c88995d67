using OrleansBilling.GrainInterfaces.Lifecycle;

namespace OrleansBilling.GrainInterfaces.Usage;

/// <summary>
/// What metering needs to know of a subscription: which periods usage may count in, and whom the
/// provider bills. The subscription sends it whenever it changes; a newer one replaces an older one.
/// </summary>
/// <param name="State">The subscription's state (a renewing one counts late usage in the next period).</param>
/// <param name="CurrentStart">The current period's start.</param>
/// <param name="CurrentEnd">The current period's end.</param>
/// <param name="PreviousStart">The previous period's start: late usage may still count there.</param>
/// <param name="ProviderCustomerId">The provider's customer, whom forwarded usage is billed to.</param>
/// <param name="Version">The subscription's history sequence when it was sent: only grows.</param>
[GenerateSerializer, Immutable, Alias("billing.BillingPeriod")]
public sealed record BillingPeriod(
    [property: Id(0)] SubscriptionState State,
    [property: Id(1)] DateTimeOffset? CurrentStart,
    [property: Id(2)] DateTimeOffset? CurrentEnd,
    [property: Id(3)] DateTimeOffset? PreviousStart,
    [property: Id(4)] string? ProviderCustomerId,
    [property: Id(5)] long Version);
