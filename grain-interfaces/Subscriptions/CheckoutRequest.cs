namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>Start (or restart) a subscription through the provider's hosted checkout.</summary>
[GenerateSerializer, Immutable, Alias("billing.CheckoutRequest")]
public sealed record CheckoutRequest(
    [property: Id(0)] string PlanId,
    [property: Id(1)] string SuccessUrl,
    [property: Id(2)] string CancelUrl,
    [property: Id(3)] string? Email);
