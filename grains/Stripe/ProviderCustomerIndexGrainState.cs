namespace OrleansBilling.Grains.Stripe;

/// <summary>The persisted state of a provider customer's index entry.</summary>
[GenerateSerializer, Alias("billing.ProviderCustomerIndexGrainState")]
public sealed class ProviderCustomerIndexGrainState
{
    [Id(0)] public string? SubscriptionKey { get; set; }
}
