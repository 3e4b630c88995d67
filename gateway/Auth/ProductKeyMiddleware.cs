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
    public async Task InvokeAsync(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<RequiresProductKey>() is null)
        {
            await next(http);
            return;
        }

        if (await BearerToken.RefusedForFailuresAsync(http))
        {
            return;
        }

        if (BearerToken.From(http.Request) is not { } key || await directory.FindProductAsync(key, http.RequestAborted) is not { } productId)
        {
            await BearerToken.ChallengeAsync(http, "the product's API key");
            return;
        }

        http.Features.Set(new ProductCaller(productId));
        await next(http);
    }
}
