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

        var value = json[key];
        if (value is JsonValue id && id.TryGetValue<string>(out var objectId) && state.FindJson(objectId) is { } expanded)
        {
            json[key] = expanded;
            value = expanded;
        }

        Expand(value, path, index + 1, state);
    }
}
