using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace OrleansBilling.Gateway.Problems;

/// <summary>
/// Request body limits per route, as endpoint metadata: a body larger than its route's limit is a
/// 413 problem before anything reads it (by its Content-Length), or as soon as reading passes the
/// limit (a chunked body). Every route that takes a body declares one through its group.
/// </summary>
public static class BodyLimits
{
    /// <summary>The /v1 and /admin commands: an id, a plan, a reason, a policy of at most 20 steps.</summary>
    public const long Command = 64 * 1024;

    /// <summary>
    /// A usage batch: 1000 events with every field at its longest (64-character ids, a 255-character
    /// key, a timestamp with an offset) take about 0.5 MiB, indented JSON not much more.
    /// </summary>
    public const long UsageBatch = 2 * 1024 * 1024;

    /// <summary>A Stripe event: Stripe's own events are far smaller.</summary>
    public const long Webhook = 1024 * 1024;

    /// <summary>Declares the largest body the route (or every route of the group) takes.</summary>
    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, long bytes)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new Limit(bytes));

    /// <summary>Enforces the route's limit; runs after routing, before the endpoint.</summary>
    public static IApplicationBuilder UseBodyLimits(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize is { } limit)
        {
            if (http.Request.ContentLength > limit)
            {
                await TooLarge(http, limit);
                return;
            }

            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = limit;
            }
        }

        await next(http);
    });

    /// <summary>The 413 problem naming the route's limit.</summary>
    public static Task TooLarge(HttpContext http, long limit) =>
        Results.Problem(
            type: ProblemTypes.PayloadTooLarge,
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "Payload too large",
            detail: $"This route takes request bodies of at most {limit} bytes.").ExecuteAsync(http);

    private sealed record Limit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;
}
