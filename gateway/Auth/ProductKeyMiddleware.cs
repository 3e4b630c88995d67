using OrleansBilling.Gateway.Problems;

namespace OrleansBilling.Gateway.Auth;

/// <summary>
/// <c>Authorization: Bearer &lt;api key&gt;</c> for the endpoints marked <see cref="RequiresProductKey"/>.
/// The key fixes the product, so a product can only ever name its own customers. It runs after
/// routing and before any body is read, so a caller without a valid key learns nothing but 401.
/// A plain middleware rather than an authentication scheme and policy: this is the hot path of
/// every product call, and it needs no claims (measured in bench/README.md).
/// </summary>
public sealed class ProductKeyMiddleware(RequestDelegate next, ProductApiKeyDirectory directory)
{
    private const string Bearer = "Bearer ";
    private const int MaxHeaderLength = 512;

    public async Task InvokeAsync(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<RequiresProductKey>() is null)
        {
            await next(http);
            return;
        }

        string? header = http.Request.Headers.Authorization;
        if (header is null
            || header.Length <= Bearer.Length
            || header.Length > MaxHeaderLength
            || !header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase)
            || await directory.FindProductAsync(header[Bearer.Length..].Trim()) is not { } productId)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            await Results.Problem(
                type: ProblemTypes.Unauthorized,
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Unauthorized",
                detail: "Send the product's API key as 'Authorization: Bearer <api key>'.").ExecuteAsync(http);
            return;
        }

        http.Features.Set(new ProductCaller(productId));
        await next(http);
    }
}
