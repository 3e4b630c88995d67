using System.Text.Json.Nodes;
using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Api;

/// <summary>
/// Replaces ids with the objects they name for each <c>expand[]</c> path (<c>latest_invoice</c>,
/// <c>data.customer</c>), and adds includable fields Stripe answers only when asked (<c>payments</c>).
/// </summary>
internal static class JsonExpander
{
    public static JsonObject Apply(JsonObject json, IReadOnlyList<string> paths, SandboxState state)
    {
        foreach (var path in paths)
        {
            Expand(json, path.Split('.'), 0, state);
        }

        return json;
    }

    private static void Expand(JsonNode? node, string[] path, int index, SandboxState state)
    {
        if (node is not JsonObject json || index >= path.Length)
        {
            return;
        }

        var key = path[index];
        if (key == "data" && json["object"]?.GetValue<string>() == "list" && json["data"] is JsonArray items)
        {
            foreach (var item in items)
            {
                Expand(item, path, index + 1, state);
            }

            return;
        }

        // An includable field (an invoice's payments) is not in the object until asked for.
        if (!json.ContainsKey(key) && state.Includable(json, key) is { } included)
        {
            json[key] = included;
        }

        // An array of ids (a subscription's discounts) expands element by element.
        if (json[key] is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Expand(Expanded(array[i], state, expanded => array[i] = expanded), path, index + 1, state);
            }

            return;
        }

        Expand(Expanded(json[key], state, expanded => json[key] = expanded), path, index + 1, state);
    }

    /// <summary>The object an id names, put in its place by <paramref name="replace"/>; anything else as it is.</summary>
    private static JsonNode? Expanded(JsonNode? value, SandboxState state, Action<JsonObject> replace)
    {
        if (value is JsonValue id && id.TryGetValue<string>(out var objectId) && state.FindJson(objectId) is { } expanded)
        {
            replace(expanded);
            return expanded;
        }

        return value;
    }
}
