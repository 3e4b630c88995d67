using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace OrleansBilling.Sandbox.Api;

/// <summary>
/// The parameters of one Stripe API call: query string and form body, with bracket keys
/// (<c>line_items[0][price]</c>) parsed into a tree. Paths into the tree are written the same way.
/// </summary>
internal sealed class StripeParameters
{
    private readonly JsonObject root;

    private StripeParameters(JsonObject root, IReadOnlyDictionary<string, string> flat)
    {
        this.root = root;
        Flat = flat;
    }

    /// <summary>The parameters exactly as sent, one bracket key each.</summary>
    public IReadOnlyDictionary<string, string> Flat { get; }

    public static async Task<StripeParameters> ReadAsync(HttpRequest request)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var (key, values) in request.Query)
        {
            pairs.AddRange(values.Select(v => new KeyValuePair<string, string>(key, v ?? "")));
        }

        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            foreach (var (key, values) in form)
            {
                pairs.AddRange(values.Select(v => new KeyValuePair<string, string>(key, v ?? "")));
            }
        }

        return FromPairs(pairs);
    }

    public static StripeParameters FromPairs(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var root = new JsonObject();
        var flat = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            flat[key] = value;
            Insert(root, Segments(key), value);
        }

        return new StripeParameters(root, flat);
    }

    /// <summary>
    /// A v2 call's JSON body flattened to bracket keys (<c>events[0][payload][value]</c>), so the request log
    /// shows v1 and v2 calls alike. Numbers and booleans keep their JSON text; nulls are left out.
    /// </summary>
    public static StripeParameters FromJson(JsonObject body) => FromPairs(FlatJson(body));

    /// <summary>A v2 call's JSON body flattened as <see cref="FromJson"/> does, without the tree (for the request log alone).</summary>
    public static List<KeyValuePair<string, string>> FlatJson(JsonObject body)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        Flatten(body, null, pairs);
        return pairs;
    }

    public JsonObject Tree() => (JsonObject)root.DeepClone();

    public bool SameAs(StripeParameters other) => JsonNode.DeepEquals(root, other.root);

    public bool Has(string path) => Node(path) is not null;

    /// <summary>True when the parameter was sent as a hash, as a range such as <c>created[gte]</c> is.</summary>
    public bool IsHash(string path) => Node(path) is JsonObject;

    /// <summary>True when the parameter was sent as an empty string, Stripe's way of unsetting a field.</summary>
    public bool IsEmpty(string path) => Node(path) is JsonValue value && value.GetValue<string>().Length == 0;

    public string? String(string path) => Node(path) switch
    {
        null => null,
        JsonValue value => value.GetValue<string>(),
        _ => throw StripeApiException.Invalid(path, $"Invalid string: {path} must be a string, not a hash."),
    };

    public string Required(string path)
    {
        var value = String(path);
        return string.IsNullOrEmpty(value) ? throw StripeApiException.Missing(path) : value;
    }

    public long? Long(string path)
    {
        var value = String(path);
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        return long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw StripeApiException.Invalid(path, $"Invalid integer: {value}", "parameter_invalid_integer");
    }

    public bool? Bool(string path) => String(path) switch
    {
        null or "" => null,
        "true" => true,
        "false" => false,
        var other => throw StripeApiException.Invalid(path, $"Invalid boolean: {other}"),
    };

    /// <summary>A hash such as <c>metadata</c>; an empty dictionary when it was sent empty (clear all), null when absent.</summary>
    public Dictionary<string, string>? Map(string path) => Node(path) switch
    {
        null => null,
        JsonValue value when value.GetValue<string>().Length == 0 => [],
        JsonObject hash => hash.Where(p => p.Value is JsonValue).ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()),
        _ => throw StripeApiException.Invalid(path, $"Invalid hash: {path}"),
    };

    /// <summary>The indices an array of hashes such as <c>line_items</c> was sent with, in order.</summary>
    public IReadOnlyList<int> Indices(string path) => Node(path) is JsonObject list
        ? [.. list.Select(p => int.TryParse(p.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : -1).Where(i => i >= 0).Order()]
        : [];

    /// <summary>An array such as <c>expand[]</c>, in index order; empty when sent as <c>""</c> (Stripe.net's empty list).</summary>
    public IReadOnlyList<string> Strings(string path) => Node(path) switch
    {
        null => [],
        JsonValue value => value.GetValue<string>() is { Length: > 0 } one ? [one] : [],
        JsonObject list => [.. list.OrderBy(p => int.TryParse(p.Key, out var i) ? i : int.MaxValue).Select(p => p.Value).OfType<JsonValue>().Select(v => v.GetValue<string>())],
        _ => [],
    };

    private static void Flatten(JsonNode? node, string? key, List<KeyValuePair<string, string>> pairs)
    {
        switch (node)
        {
            case JsonObject hash:
                foreach (var (name, child) in hash)
                {
                    Flatten(child, key is null ? name : $"{key}[{name}]", pairs);
                }

                break;
            case JsonArray list:
                for (var i = 0; i < list.Count; i++)
                {
                    Flatten(list[i], string.Create(CultureInfo.InvariantCulture, $"{key}[{i}]"), pairs);
                }

                break;
            case JsonValue value when key is not null:
                pairs.Add(new(key, value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString()));
                break;
        }
    }

    internal static List<string> Segments(string key)
    {
        var open = key.IndexOf('[', StringComparison.Ordinal);
        if (open <= 0)
        {
            return [key];
        }

        var segments = new List<string> { key[..open] };
        var rest = key[open..];
        while (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                break;
            }

            segments.Add(rest[1..close]);
            rest = rest[(close + 1)..];
        }

        return segments;
    }

    private static void Insert(JsonObject node, List<string> segments, string value)
    {
        for (var i = 0; i < segments.Count - 1; i++)
        {
            var name = NameIn(node, segments[i]);
            if (node[name] is not JsonObject child)
            {
                child = [];
                node[name] = child;
            }

            node = child;
        }

        node[NameIn(node, segments[^1])] = value;
    }

    // "expand[]" appends: the empty segment becomes the next index.
    private static string NameIn(JsonObject node, string segment) =>
        segment.Length == 0 ? node.Count.ToString(CultureInfo.InvariantCulture) : segment;

    private JsonNode? Node(string path)
    {
        JsonNode? node = root;
        foreach (var segment in Segments(path))
        {
            node = node is JsonObject hash ? hash[segment] : null;
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }
}
