namespace OrleansBilling.Gateway.Auth;

/// <summary>The product whose API key authenticated the request, set by <see cref="ProductKeyMiddleware"/>.</summary>
/// <param name="ProductId">The product the key acts for; it prefixes every subscription the request may touch.</param>
public sealed record ProductCaller(string ProductId)
{
    /// <summary>The caller of a request that passed <see cref="ProductKeyMiddleware"/>.</summary>
    public static ProductCaller Of(HttpContext context) =>
        context.Features.Get<ProductCaller>()
            ?? throw new InvalidOperationException("A product endpoint ran without the ProductKeyMiddleware.");
}
