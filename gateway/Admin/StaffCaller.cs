using OrleansBilling.GrainInterfaces.Staff;

namespace OrleansBilling.Gateway.Admin;

/// <summary>The member of staff a request authenticated as: whom its actions are recorded under, and what they may do.</summary>
/// <param name="Person">The person's name (<see cref="StaffPeople.NameRule"/>).</param>
/// <param name="Role">Their role.</param>
/// <param name="TokenId">The staff token used, or null for the bootstrap admin key.</param>
public sealed record StaffCaller(string Person, StaffRole Role, string? TokenId)
{
    /// <summary>The caller <see cref="StaffAuthMiddleware"/> put on a request to a staff endpoint.</summary>
    public static StaffCaller Of(HttpContext http) =>
        http.Features.Get<StaffCaller>() ?? throw new InvalidOperationException("A staff endpoint ran without an authenticated member of staff.");
}

/// <summary>Endpoint metadata: the caller must be staff with at least <see cref="Role"/> (<see cref="StaffAuthMiddleware"/>); the endpoint's own wins over its group's.</summary>
public sealed record RequiresStaffRole(StaffRole Role);

/// <summary>Declaring which role an admin endpoint needs.</summary>
public static class StaffRoleEndpointExtensions
{
    public static TBuilder RequiresStaff<TBuilder>(this TBuilder builder, StaffRole role)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiresStaffRole(role));
}
