using System.Text.Json.Nodes;
using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Api;

/// <summary>What every resource's handlers share: the state, and answering with <c>expand[]</c> applied.</summary>
internal abstract class ResourceApi(SandboxState state)
{
    protected SandboxState State { get; } = state;

    protected ApiOutcome Answer(StripeApiRequest request, JsonObject json) =>
        ApiOutcome.Ok(JsonExpander.Apply(json, request.Expand, State), request.Events);

    protected static T Find<T>(Dictionary<string, T> items, string id, string resource)
        where T : class =>
        items.GetValueOrDefault(id) ?? throw StripeApiException.NoSuch(resource, id, "id", inUrl: true);
}
