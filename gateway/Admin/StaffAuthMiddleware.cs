using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OrleansBilling.Gateway.Auth;
using OrleansBilling.Gateway.Problems;
using OrleansBilling.GrainInterfaces.Products;
using OrleansBilling.GrainInterfaces.Staff;

namespace OrleansBilling.Gateway.Admin;

/// <summary>
/// Authenticates the member of staff of an endpoint marked <see cref="RequiresStaffRole"/> and checks the role:
/// <c>Authorization: Bearer</c> with a person's staff token, or the bootstrap admin key (<c>Billing:AdminKey</c>,
/// compared in constant time), which stands for <see cref="StaffPeople.Bootstrap"/> as an admin and is meant only
/// to issue the first people's tokens. No credential is a 401; too small a role is a 403 problem naming the role needed, and a line in the audit trail.
/// </summary>
public sealed class StaffAuthMiddleware(RequestDelegate next, IOptionsMonitor<AdminOptions> options, IGrainFactory grains, TimeProvider clock)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<RequiresStaffRole>() is not { } required)
        {
            await next(http);
            return;
        }

        if (await BearerToken.RefusedForFailuresAsync(http))
        {
            return;
        }

        var caller = BearerToken.From(http.Request) is { } presented ? await Identify(presented) : null;
        if (caller is null)
        {
            await BearerToken.ChallengeAsync(http, "your staff token (or the bootstrap Billing:AdminKey)");
            return;
        }

        if (caller.Role < required.Role)
        {
            await StaffAudit.RecordAsync(
                grains, clock, caller, StaffAudit.ActionOf(http.GetEndpoint()!),
                http.Request.RouteValues["productId"] as string, http.Request.RouteValues["customerId"] as string, AuditOutcome.Forbidden,
                $"needs the {required.Role.ToString().ToLowerInvariant()} role");
            await Results.Problem(
                type: ProblemTypes.Forbidden,
                statusCode: StatusCodes.Status403Forbidden,
                title: "Forbidden",
                detail: $"This needs the {required.Role.ToString().ToLowerInvariant()} role; {caller.Person} has {caller.Role.ToString().ToLowerInvariant()}.").ExecuteAsync(http);
            return;
        }

        http.Features.Set(caller);
        await next(http);
    }

    private async Task<StaffCaller?> Identify(string presented)
    {
        if (options.CurrentValue.AdminKey is { Length: > 0 } bootstrap
            && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(bootstrap))))
        {
            return new StaffCaller(StaffPeople.Bootstrap, StaffRole.Admin, null);
        }

        return presented.StartsWith("bst_", StringComparison.Ordinal) && presented.Length <= 128
            && await grains.GetGrain<IStaffDirectoryGrain>(IStaffDirectoryGrain.Key).Find(ApiKeys.Hash(presented)) is { } token
                ? new StaffCaller(token.Person, token.Role, token.Id)
                : null;
    }
}
