using Orleans.Concurrency;

namespace OrleansBilling.GrainInterfaces.Products;

/// <summary>
/// Every product API key of the service, by the hash of the key: which product it acts for and until
/// when. One grain (<see cref="Key"/>) because the set is small (a few keys per product) and a
/// gateway holds a copy of all of it: a key not in the copy is refused without a grain call or a
/// database read, however many random keys arrive. Product grains bind and revoke their keys here.
/// </summary>
[Alias("billing.IApiKeyDirectoryGrain")]
public interface IApiKeyDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The one directory's grain key.</summary>
    const string Key = "apikeys";

    /// <summary>Binds the key to a product until <paramref name="expiresAt"/> (for good when null). A key bound to another product is refused (returns false).</summary>
    [Alias("Bind")]
    Task<bool> Bind(string hash, string productId, DateTimeOffset? expiresAt);

    /// <summary>Unbinds the key from the product, if it is bound to it.</summary>
    [Alias("Revoke")]
    Task Revoke(string hash, string productId);

    /// <summary>
    /// Makes the product's bindings exactly <paramref name="working"/>: what the product grain holds is
    /// the truth, and a binding a failed write left behind (or a key never copied here) is mended.
    /// </summary>
    [Alias("Sync")]
    Task Sync(string productId, IReadOnlyList<ApiKeyBinding> working);

    /// <summary>Every binding and the directory's version; null when the version is still <paramref name="knownVersion"/>.</summary>
    [ReadOnly, Alias("Snapshot")]
    Task<ApiKeySnapshot?> Snapshot(long knownVersion);
}

/// <summary>One key's binding: the hash of the key, the product it acts for, and when it stops (never when null).</summary>
[GenerateSerializer, Immutable, Alias("billing.ApiKeyBinding")]
public sealed record ApiKeyBinding(
    [property: Id(0)] string Hash,
    [property: Id(1)] string ProductId,
    [property: Id(2)] DateTimeOffset? ExpiresAt)
{
    public bool WorksAt(DateTimeOffset now) => ExpiresAt is null || ExpiresAt > now;
}

/// <summary>The whole directory at one version.</summary>
[GenerateSerializer, Immutable, Alias("billing.ApiKeySnapshot")]
public sealed record ApiKeySnapshot(
    [property: Id(0)] long Version,
    [property: Id(1)] IReadOnlyList<ApiKeyBinding> Bindings);
