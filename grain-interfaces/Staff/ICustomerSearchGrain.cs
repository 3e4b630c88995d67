using Orleans.Concurrency;

namespace OrleansBilling.GrainInterfaces.Staff;

/// <summary>
/// The console's one search box across the portfolio, on the read model: a product's customer id (whole or its
/// beginning), an email address (whole), or Stripe's customer, subscription or invoice id. Any silo answers (key 0).
/// </summary>
[Alias("billing.ICustomerSearchGrain")]
public interface ICustomerSearchGrain : IGrainWithIntegerKey
{
    /// <summary>Up to <paramref name="limit"/> customers matching <paramref name="query"/>.</summary>
    [ReadOnly, Alias("Find")]
    Task<IReadOnlyList<CustomerMatch>> Find(string query, int limit);
}
