namespace OrleansBilling.GrainInterfaces.Staff;

/// <summary>A staff token as admins see it: whose, which role, never the token itself.</summary>
/// <param name="Id">The token's id (<c>stk_</c> and the start of its hash), for revoking it.</param>
/// <param name="Person">Whom it stands for; their actions are recorded under this name.</param>
/// <param name="Role">What it may do.</param>
/// <param name="CreatedAt">When it was issued.</param>
/// <param name="CreatedBy">The admin who issued it.</param>
/// <param name="RevokedAt">When it was revoked; null while it works.</param>
/// <param name="RevokedBy">The admin who revoked it.</param>
[GenerateSerializer, Immutable, Alias("billing.StaffTokenView")]
public sealed record StaffTokenView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Person,
    [property: Id(2)] StaffRole Role,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] string CreatedBy,
    [property: Id(5)] DateTimeOffset? RevokedAt = null,
    [property: Id(6)] string? RevokedBy = null);

/// <summary>A new staff token: <paramref name="Token"/> is shown this once and stored nowhere but as its hash.</summary>
[GenerateSerializer, Immutable, Alias("billing.IssuedStaffToken")]
public sealed record IssuedStaffToken(
    [property: Id(0)] string Id,
    [property: Id(1)] string Person,
    [property: Id(2)] StaffRole Role,
    [property: Id(3)] string Token,
    [property: Id(4)] DateTimeOffset CreatedAt);
