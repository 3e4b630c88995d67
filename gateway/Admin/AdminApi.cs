using System.Xml;
using OrleansBilling.Gateway.Problems;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Products;
using OrleansBilling.GrainInterfaces.Subscriptions;
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
        admin.MapPut("/products/{productId}/dunning", SetDunning)
            .WithName("SetDunningPolicy")
            .WithSummary("Replace a product's dunning policy (new episodes use it; running ones keep theirs)")
            .Produces<IReadOnlyList<DunningStepView>>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        admin.MapGet("/products/{productId}/dunning/preview", PreviewDunning)
            .WithName("PreviewDunning")
            .WithSummary("The timeline a customer whose payments keep failing would follow, from a given start")
            .Produces<IReadOnlyList<DunningStepView>>();
        return admin;
    }

    private static async Task<IResult> SetDunning(string productId, DunningPolicyBody body, IGrainFactory grains)
    {
        if (!BillingIds.IsValid(productId))
        {
            return ApiProblems.InvalidId("product id", productId);
        }

        var errors = new Dictionary<string, string[]>();
        var steps = new List<DunningStep>();
        foreach (var (step, i) in (body.Steps ?? []).Select((step, i) => (step, i)))
        {
            TimeSpan after = default;
            try
            {
                after = XmlConvert.ToTimeSpan(step.After ?? "");
            }
            catch (FormatException)
            {
                errors[$"steps[{i}].after"] = ["An ISO 8601 duration such as P3D."];
            }

            if (!Enum.TryParse<DunningAction>(step.Action, ignoreCase: true, out var action) || int.TryParse(step.Action, out _))
            {
                errors[$"steps[{i}].action"] = ["One of email, suspend, cancel."];
            }

            steps.Add(new DunningStep(after, action, step.Template ?? "", step.RetryPayment ?? false));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.InvalidRequest(errors);
        }

        var product = grains.GetGrain<IProductGrain>(BillingIds.ProductKey(productId));
        if (await product.GetDefinition() is null)
        {
            return Results.Problem(type: ProblemTypes.UnknownProduct, statusCode: StatusCodes.Status404NotFound, title: "Unknown product", detail: $"Product '{productId}' is not configured.");
        }

        var problems = await product.SetDunningPolicy(new DunningPolicy(steps));
        return problems.Count > 0
            ? Results.Problem(type: ProblemTypes.InvalidDunningPolicy, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Invalid dunning policy", detail: string.Join(" ", problems))
            : Results.Ok(await product.PreviewDunning(DateTimeOffset.UnixEpoch));
    }

    private static async Task<IResult> PreviewDunning(string productId, DateTimeOffset? start, IGrainFactory grains, TimeProvider clock)
    {
        if (!BillingIds.IsValid(productId))
        {
            return ApiProblems.InvalidId("product id", productId);
        }

        var product = grains.GetGrain<IProductGrain>(BillingIds.ProductKey(productId));
        return await product.GetDefinition() is null
            ? Results.Problem(type: ProblemTypes.UnknownProduct, statusCode: StatusCodes.Status404NotFound, title: "Unknown product", detail: $"Product '{productId}' is not configured.")
            : Results.Ok(await product.PreviewDunning(start ?? clock.GetUtcNow()));
    }

    private static async Task<IResult> Anomalies(IGrainFactory grains, int? limit) =>
        limit is < 1 or > 500
            ? ApiProblems.InvalidRequest("limit", "Between 1 and 500.")
            : Results.Ok(await grains.GetGrain<IAnomalyLogGrain>(0).Recent(limit ?? 100));
}
