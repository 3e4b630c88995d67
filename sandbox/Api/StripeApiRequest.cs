using Microsoft.AspNetCore.Routing;
using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Api;

/// <summary>One Stripe API call as a handler sees it, inside the state lock.</summary>
internal sealed class StripeApiRequest(string method, string path, StripeParameters parameters, RouteValueDictionary route, EventBatch events)
{
    public string Method { get; } = method;

    public string Path { get; } = path;

    public StripeParameters Parameters { get; } = parameters;

    public EventBatch Events { get; } = events;

    /// <summary>The <c>{id}</c> of the URL.</summary>
    public string Id => route["id"]?.ToString() ?? "";

    public IReadOnlyList<string> Expand => Parameters.Strings("expand");
}
