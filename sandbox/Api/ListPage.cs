using System.Text.Json.Nodes;
using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Api;

/// <summary>Stripe's cursor pagination over a newest-first list: <c>limit</c>, <c>starting_after</c>, <c>ending_before</c>.</summary>
internal static class ListPage
{
    public static JsonObject Build<T>(
        IReadOnlyList<T> newestFirst,
        Func<T, bool> filter,
        Func<T, string> id,
        Func<T, JsonObject> json,
        StripeParameters parameters,
        string url)
    {
        var limit = parameters.Long("limit") ?? 10;
        if (limit is < 1 or > 100)
        {
            throw StripeApiException.Invalid("limit", "Invalid integer: limit must be between 1 and 100.", "parameter_invalid_integer");
        }

        // The cursor is found in the unfiltered order, so any object of the kind works as Stripe allows.
        IEnumerable<T> candidates = newestFirst;
        var fromEnd = false;
        if (parameters.String("starting_after") is { Length: > 0 } after)
        {
            candidates = newestFirst.Skip(IndexOf(newestFirst, id, after, "starting_after") + 1);
        }
        else if (parameters.String("ending_before") is { Length: > 0 } before)
        {
            candidates = newestFirst.Take(IndexOf(newestFirst, id, before, "ending_before"));
            fromEnd = true;
        }

        var matching = candidates.Where(filter).ToList();
        var page = fromEnd ? matching.TakeLast((int)limit) : matching.Take((int)limit);
        return StripeJson.List(url, page.Select(json), matching.Count > limit);
    }

    private static int IndexOf<T>(IReadOnlyList<T> items, Func<T, string> id, string cursor, string param)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (id(items[i]) == cursor)
            {
                return i;
            }
        }

        throw StripeApiException.NoSuch("object", cursor, param);
    }
}
