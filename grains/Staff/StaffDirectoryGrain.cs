using OrleansBilling.GrainInterfaces.Products;
using OrleansBilling.GrainInterfaces.Staff;

namespace OrleansBilling.Grains.Staff;

/// <summary>Every staff token, by the SHA-256 of the token (a long random secret: no salt needed), in one persisted record.</summary>
[GrainType("staff-directory")]
public sealed class StaffDirectoryGrain(
    [PersistentState("staff", BillingStorage.Name)] IPersistentState<StaffDirectoryState> state,
    TimeProvider clock) : Grain, IStaffDirectoryGrain
{
    public async Task<IssuedStaffToken> Issue(string person, StaffRole role, string actor)
    {
        if (!StaffPeople.IsValidName(person) || !Enum.IsDefined(role))
        {
            throw new ArgumentException($"A person is {StaffPeople.NameRule}, with a role of support, finance or admin.", nameof(person));
        }

        var token = StaffPeople.NewToken();
        var hash = ApiKeys.Hash(token);
        var view = new StaffTokenView($"stk_{hash[..12]}", person, role, clock.GetUtcNow(), actor);
        state.State.Tokens[hash] = view;
        await state.WriteStateAsync();
        return new IssuedStaffToken(view.Id, person, role, token, view.CreatedAt);
    }

    public Task<StaffTokenView?> Find(string tokenHash) =>
        Task.FromResult(state.State.Tokens.TryGetValue(tokenHash, out var view) && view.RevokedAt is null ? view : null);

    public Task<IReadOnlyList<StaffTokenView>> List() =>
        Task.FromResult<IReadOnlyList<StaffTokenView>>([.. state.State.Tokens.Values.OrderByDescending(t => t.CreatedAt).ThenBy(t => t.Id, StringComparer.Ordinal)]);

    public async Task<StaffTokenView?> Revoke(string tokenId, string actor)
    {
        if (state.State.Tokens.FirstOrDefault(t => t.Value.Id == tokenId && t.Value.RevokedAt is null) is not { Value: not null } found)
        {
            return null;
        }

        var revoked = found.Value with { RevokedAt = clock.GetUtcNow(), RevokedBy = actor };
        state.State.Tokens[found.Key] = revoked;
        await state.WriteStateAsync();
        return revoked;
    }
}

/// <summary>The staff directory's persisted state.</summary>
[GenerateSerializer, Alias("billing.StaffDirectoryState")]
public sealed class StaffDirectoryState
{
    /// <summary>Tokens by the hash of the token.</summary>
    [Id(0)] public Dictionary<string, StaffTokenView> Tokens { get; set; } = new(StringComparer.Ordinal);
}
