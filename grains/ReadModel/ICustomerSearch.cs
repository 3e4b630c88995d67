using OrleansBilling.GrainInterfaces.Staff;

namespace OrleansBilling.Grains.ReadModel;

/// <summary>Finds customers in the read model (see <see cref="ICustomerSearchGrain"/>).</summary>
public interface ICustomerSearch
{
    Task<IReadOnlyList<CustomerMatch>> FindAsync(string query, int limit, CancellationToken cancellationToken);
}
