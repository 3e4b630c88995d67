using OrleansBilling.Gateway.Problems;
using OrleansBilling.GrainInterfaces.Staff;

namespace OrleansBilling.Gateway.Admin;

/// <summary>
/// Per-person staff tokens for the admin API, managed by admins: issue (shown once), list (never the tokens),
/// revoke. Every call made with a token is recorded as its person's.
/// </summary>
public static class StaffTokenAdminApi
{
    public static void MapStaffTokenAdmin(this RouteGroupBuilder admin)
    {
        var staff = admin.MapGroup("/staff/tokens").RequiresStaff(StaffRole.Admin);
        staff.MapGet("", List)
            .WithName("ListStaffTokens")
            .WithSummary("Every staff token, working and revoked, newest first: whose, which role (never the tokens themselves)")
            .Produces<IReadOnlyList<StaffTokenView>>();
        staff.MapPost("", Issue)
            .WithName("IssueStaffToken")
            .WithSummary("Issue a token for one person with one role (support, finance or admin); the answer is the only time it is shown")
            .Produces<IssuedStaffToken>()
            .ProducesProblem(StatusCodes.Status400BadRequest);
        staff.MapDelete("/{tokenId}", Revoke)
            .WithName("RevokeStaffToken")
            .WithSummary("Stop a staff token now")
            .Produces<StaffTokenView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static IStaffDirectoryGrain Directory(IGrainFactory grains) => grains.GetGrain<IStaffDirectoryGrain>(IStaffDirectoryGrain.Key);

    private static async Task<IResult> List(IGrainFactory grains) => Results.Ok(await Directory(grains).List());

    private static async Task<IResult> Issue(StaffTokenBody body, IGrainFactory grains, HttpContext http)
    {
        var errors = new Dictionary<string, string[]>();
        if (!StaffPeople.IsValidName(body.Person))
        {
            errors["person"] = [$"The person is {StaffPeople.NameRule}."];
        }

        if (body.Role is not { } role || !Enum.IsDefined(role))
        {
            errors["role"] = ["The role is support, finance or admin."];
        }

        if (errors.Count > 0)
        {
            return ApiProblems.InvalidRequest(errors);
        }

        return Results.Ok(await Directory(grains).Issue(body.Person!, body.Role!.Value, AdminApi.ActorOf(http)));
    }

    private static async Task<IResult> Revoke(string tokenId, IGrainFactory grains, HttpContext http) =>
        await Directory(grains).Revoke(tokenId, AdminApi.ActorOf(http)) is { } revoked
            ? Results.Ok(revoked)
            : Results.Problem(type: ProblemTypes.NotFound, statusCode: StatusCodes.Status404NotFound, title: "Unknown staff token", detail: $"No working staff token '{tokenId}'.");
}

/// <summary>The body of <c>POST /admin/v1/staff/tokens</c>.</summary>
public sealed record StaffTokenBody(string? Person, StaffRole? Role);
