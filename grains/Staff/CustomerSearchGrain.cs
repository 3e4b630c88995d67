using Orleans.Concurrency;
using OrleansBilling.GrainInterfaces.Staff;
using OrleansBilling.Grains.ReadModel;

namespace OrleansBilling.Grains.Staff;

/// <summary>Searches the read model (<see cref="ICustomerSearch"/>); stateless, so any silo answers.</summary>
[GrainType("customer-search"), StatelessWorker]
public sealed class CustomerSearchGrain(ICustomerSearch search) : Grain, ICustomerSearchGrain
{
    public Task<IReadOnlyList<CustomerMatch>> Find(string query, int limit) =>
        string.IsNullOrWhiteSpace(query)
            ? Task.FromResult<IReadOnlyList<CustomerMatch>>([])
            : search.FindAsync(query.Trim(), Math.Clamp(limit, 1, 100), CancellationToken.None);
}
