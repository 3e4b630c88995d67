using System.Xml;
using OrleansBilling.Gateway.Auth;
using OrleansBilling.Gateway.Problems;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Products;
using OrleansBilling.GrainInterfaces.Staff;

namespace OrleansBilling.Gateway.Admin;

/// <summary>
/// A product's API keys: issue, list, rotate (old and new both work for an overlap), revoke. A key
/// is shown once, in the answer that issues it. The gateway that made the change knows of it at once;
/// another one within its cache time (<see cref="Auth.ProductKeyOptions.CacheSeconds"/>) for a revoked
/// key and <see cref="Auth.ProductApiKeyDirectory.MissRefresh"/> for a new one.
/// </summary>
public static class ApiKeyAdminApi
{
    /// <summary>How long a rotated key keeps working when the request does not say.</summary>
    public static readonly TimeSpan DefaultOverlap = TimeSpan.FromHours(24);

    /// <summary>The longest a rotated key may keep working.</summary>
    public static readonly TimeSpan LongestOverlap = TimeSpan.FromDays(30);

    public static void MapApiKeyAdmin(this RouteGroupBuilder admin)
    {
        var keys = admin.MapGroup("").RequiresStaff(StaffRole.Admin);
        keys.MapGet("/products/{productId}/api-keys", List)
            .WithName("ListApiKeys")
            .WithSummary("A product's API keys, working and revoked, newest first (never the keys themselves)")
            .Produces<IReadOnlyList<ApiKeyView>>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        keys.MapPost("/products/{productId}/api-keys", Issue)
            .WithName("IssueApiKey")
            .WithSummary("Issue a new API key; the answer is the only time the key is shown")
            .Produces<IssuedApiKey>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        keys.MapPost("/products/{productId}/api-keys/{keyId}/rotate", Rotate)
            .WithName("RotateApiKey")
            .WithSummary("Issue a key that replaces another; the old one keeps working for the overlap (ISO 8601, default PT24H, at most P30D)")
            .Produces<IssuedApiKey>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        keys.MapDelete("/products/{productId}/api-keys/{keyId}", Revoke)
            .WithName("RevokeApiKey")
            .WithSummary("Stop an API key now")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> List(string productId, IGrainFactory grains)
    {
        var (product, problem) = await Product(grains, productId);
        return product is null ? problem! : Results.Ok(await product.ListApiKeys());
    }

    private static async Task<IResult> Issue(string productId, IGrainFactory grains, ProductApiKeyDirectory directory, HttpContext http)
    {
        var (product, problem) = await Product(grains, productId);
        if (product is null)
        {
            return problem!;
        }

        var actor = AdminApi.ActorOf(http);

        var issued = await product.IssueApiKey(actor);
        directory.Invalidate();
        return Results.Ok(issued);
    }

    private static async Task<IResult> Rotate(string productId, string keyId, string? overlap, IGrainFactory grains, ProductApiKeyDirectory directory, HttpContext http)
    {
        TimeSpan window;
        try
        {
            window = overlap is null ? DefaultOverlap : XmlConvert.ToTimeSpan(overlap);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            return ApiProblems.InvalidRequest("overlap", "An ISO 8601 duration such as PT24H.");
        }

        if (window < TimeSpan.Zero || window > LongestOverlap)
        {
            return ApiProblems.InvalidRequest("overlap", $"Between PT0S and P{LongestOverlap.TotalDays:0}D.");
        }

        var actor = AdminApi.ActorOf(http);

        var (product, problem) = await Product(grains, productId);
        if (product is null)
        {
            return problem!;
        }

        var rotated = await product.RotateApiKey(keyId, window, actor);
        directory.Invalidate();
        return rotated is { } issued ? Results.Ok(issued) : NoSuchKey(keyId);
    }

    private static async Task<IResult> Revoke(string productId, string keyId, IGrainFactory grains, ProductApiKeyDirectory directory, HttpContext http)
    {
        var actor = AdminApi.ActorOf(http);

        var (product, problem) = await Product(grains, productId);
        if (product is null)
        {
            return problem!;
        }

        var revoked = await product.RevokeApiKey(keyId, actor);
        directory.Invalidate();
        return revoked ? Results.NoContent() : NoSuchKey(keyId);
    }

    private static Task<(IProductGrain? Product, IResult? Problem)> Product(IGrainFactory grains, string productId) => AdminApi.ConfiguredProductAsync(grains, productId);

    private static IResult NoSuchKey(string keyId) =>
        Results.Problem(type: ProblemTypes.NotFound, statusCode: StatusCodes.Status404NotFound, title: "No such API key", detail: $"No working API key '{keyId}'.");
}
