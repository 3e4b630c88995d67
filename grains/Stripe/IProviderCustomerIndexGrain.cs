using Orleans.Concurrency;

namespace OrleansBilling.Grains.Stripe;

/// <summary>
/// Which subscription a provider customer belongs to, keyed <c>stripe-customer/{cus_id}</c>. Each
/// subscription grain has its own provider customer, so the mapping is one to one.
/// </summary>
[Alias("billing.IProviderCustomerIndexGrain")]
public interface IProviderCustomerIndexGrain : IGrainWithStringKey
{
    /// <summary>The subscription key, or null for a customer this service did not create.</summary>
    [ReadOnly, Alias("Find")]
    Task<string?> Find();

    /// <summary>Records the subscription the customer belongs to. Idempotent.</summary>
    [Alias("Set")]
    Task Set(string subscriptionKey);
}
