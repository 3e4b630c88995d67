namespace OrleansBilling.Grains.Stripe;

/// <summary>Maps one provider customer id to its subscription key.</summary>
[GrainType("stripe-customer")]
public sealed class ProviderCustomerIndexGrain(
    [PersistentState("stripe-customer", BillingStorage.Name)] IPersistentState<ProviderCustomerIndexGrainState> state)
    : Grain, IProviderCustomerIndexGrain
{
    /// <summary>The key of the index entry of a provider customer.</summary>
    public static string KeyOf(string providerCustomerId) => $"stripe-customer/{providerCustomerId}";

    public Task<string?> Find() => Task.FromResult(state.State.SubscriptionKey);

    public async Task Set(string subscriptionKey)
    {
        if (state.State.SubscriptionKey != subscriptionKey)
        {
            state.State.SubscriptionKey = subscriptionKey;
            await state.WriteStateAsync();
        }
    }
}
