using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Api;

/// <summary><c>/v1/events</c>, newest first like Stripe's.</summary>
internal sealed class EventsApi(SandboxState state) : ResourceApi(state)
{
    public ApiOutcome List(StripeApiRequest request)
    {
        var p = request.Parameters;
        var types = p.Strings("types").ToList();
        if (p.String("type") is { Length: > 0 } type)
        {
            types.Add(type);
        }

        var created = p.IsHash("created") ? null : p.Long("created");
        var gte = p.Long("created[gte]");
        var gt = p.Long("created[gt]");
        var lte = p.Long("created[lte]");
        var lt = p.Long("created[lt]");
        var newestFirst = Enumerable.Reverse(State.Events).ToList();
        return Answer(request, ListPage.Build(
            newestFirst,
            e =>
            {
                var at = StripeJson.Unix(e.Created);
                return (types.Count == 0 || types.Any(t => Matches(t, e.Type)))
                    && (created is null || at == created)
                    && (gte is null || at >= gte)
                    && (gt is null || at > gt)
                    && (lte is null || at <= lte)
                    && (lt is null || at < lt);
            },
            e => e.Id,
            e => e.ToJson(),
            p,
            "/v1/events"));
    }

    public ApiOutcome Get(StripeApiRequest request)
    {
        var record = State.Events.FirstOrDefault(e => e.Id == request.Id)
            ?? throw StripeApiException.NoSuch("event", request.Id, "id", inUrl: true);
        return Answer(request, record.ToJson());
    }

    // Stripe allows one trailing wildcard: "invoice.*".
    private static bool Matches(string pattern, string type) =>
        pattern.EndsWith(".*", StringComparison.Ordinal)
            ? type.StartsWith(pattern[..^1], StringComparison.Ordinal)
            : pattern == type;
}
