using OrleansBilling.Gateway.Problems;
using OrleansBilling.GrainInterfaces.Webhooks;

namespace OrleansBilling.Gateway.Admin;

/// <summary>Support and operations calls under <c>/admin/v1</c>.</summary>
public static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin/v1")
            .WithMetadata(new RequiresAdminKey())
            .WithTags("Admin")
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        admin.MapGet("/anomalies", Anomalies)
            .WithName("ListAnomalies")
            .WithSummary("Provider events the lifecycle table refused, newest first")
            .Produces<IReadOnlyList<AnomalyView>>();
        return admin;
    }

    private static async Task<IResult> Anomalies(IGrainFactory grains, int? limit) =>
        limit is < 1 or > 500
            ? ApiProblems.InvalidRequest("limit", "Between 1 and 500.")
            : Results.Ok(await grains.GetGrain<IAnomalyLogGrain>(0).Recent(limit ?? 100));
}
