using Orleans.Concurrency;

namespace OrleansBilling.GrainInterfaces.Staff;

/// <summary>
/// The per-person tokens of the admin API (key <see cref="Key"/>): issued, listed and revoked by admins, known by
/// their hash. A token stands for one person with one role, so every call made with it is that person's.
/// </summary>
[Alias("billing.IStaffDirectoryGrain")]
public interface IStaffDirectoryGrain : IGrainWithStringKey
{
    const string Key = "staff";

    /// <summary>Issues a token for <paramref name="person"/> with <paramref name="role"/>; the answer is the only time it is shown.</summary>
    [Alias("Issue")]
    Task<IssuedStaffToken> Issue(string person, StaffRole role, string actor);

    /// <summary>The working token whose hash is <paramref name="tokenHash"/>, or null.</summary>
    [ReadOnly, Alias("Find")]
    Task<StaffTokenView?> Find(string tokenHash);

    /// <summary>Every token, working and revoked, newest first.</summary>
    [ReadOnly, Alias("List")]
    Task<IReadOnlyList<StaffTokenView>> List();

    /// <summary>Stops a token now; null when no such token works.</summary>
    [Alias("Revoke")]
    Task<StaffTokenView?> Revoke(string tokenId, string actor);
}
