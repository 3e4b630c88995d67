using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// Requests for one operation of the OpenAPI document, shaped by its schemas and then broken on purpose:
/// hostile path segments and query values, bodies generated from the request schema with values of the
/// wrong kind, out of range, with control characters, lone surrogates or numbers no double holds, and
/// bodies that are not JSON at all. Everything comes from one seeded <see cref="Random"/>, so a failing
/// request is reproduced by its seed.
/// </summary>
public sealed class RequestFuzzer(OpenApiContract contract, Random random, IReadOnlyDictionary<string, string[]> plausible)
{
    /// <summary>Marks a place where the serialized JSON gets text no serializer writes (a lone surrogate, a number beyond double).</summary>
    private const string RawMark = "\u0001raw:";

    /// <summary>Strings meant to break a parser, a pattern, a store or a provider.</summary>
    private static readonly string[] HostileStrings =
    [
        "", " ", "fz_1\n", "a\r\nb", "\u0000", "tab\there", "\u202e@evil.test", "x\u200b", "😀", "../../etc/passwd", "%2e%2e%2f",
        "<script>alert(1)</script>", "' OR 1=1 --", "1e308", "-1", "P10675199D", "-P1D", "PT0S", "P0D", "P99999D", "9999-12-31T23:59:59Z",
        "0001-01-01T00:00:00Z", "2026-13-45T99:99:99Z", "javascript:alert(1)", "http://localhost/", "https://a.test/\u0000", "a@b", "@",
        "ada@example.com\n", "null", "true", "{}", new string('a', 5_000), new string('é', 300), RawMark + "\"\\ud800\"", RawMark + "\"\\udfff x\"",
    ];

    /// <summary>Numbers at and past every edge: negative, fractional, huge, beyond double and beyond decimal.</summary>
    private static readonly string[] HostileNumbers =
    [
        "0", "-1", "1.5", "0.1", "1e-30", "1e308", "-1e308", "9007199254740993", "2147483648", "-9223372036854775809",
        "123456789012345678901234567890", "1e400", "-0", "0.0000001", "999999999999999.9",
    ];

    /// <summary>Path segments, already encoded: control characters, separators, invalid UTF-8, dot segments.</summary>
    private static readonly string[] HostileSegments =
    [
        "fz_1%0A", "%00", "a%2Fb", "%ED%A0%80", "%C0%AE", "%FF", "..", "%2E%2E", "a%20b", "%E2%80%AE", "x%09y", "%25", "a;b", "%F0%9F%98%80",
        new string('a', 300), "fz%0D%0A", "a%5Cb", "%7B%7D",
    ];

    /// <summary>Bodies that are not a JSON document of the right kind.</summary>
    private static readonly string[] BrokenBodies =
    [
        "", "{", "null", "[]", "\"text\"", "42", "{\"a\":1,\"a\":2}", "{\"x\":" + new string('[', 2_000) + new string(']', 2_000) + "}",
        "{\"events\":" + new string('[', 200) + new string(']', 200) + "}", "\uFEFF{}", "{'single':1}", "{\"steps\":[null]}", "{\"customerIds\":[null,1,{}]}",
    ];

    /// <summary>One request for the operation: its method, path and query, body text and media type.</summary>
    public FuzzedRequest Next(string method, string template, JsonObject operation)
    {
        var path = new StringBuilder(template);
        var query = new List<string>();
        foreach (var parameter in (operation["parameters"] as JsonArray ?? []).Select(p => p!.AsObject()))
        {
            var name = parameter["name"]!.GetValue<string>();
            switch (parameter["in"]!.GetValue<string>())
            {
                case "path":
                    path.Replace("{" + name + "}", Segment(name));
                    break;
                case "query" when random.Next(4) > 0:
                    query.Add($"{name}={QueryValue(name)}");
                    break;
            }
        }

        var body = operation["requestBody"]?["content"]?["application/json"]?["schema"] is JsonObject schema ? Body(schema) : random.Next(6) == 0 ? Pick(BrokenBodies) : null;
        var mediaType = body is null ? null : random.Next(12) == 0 ? Pick(["text/plain", "application/xml", "application/x-www-form-urlencoded"]) : "application/json";
        var target = path + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        return new FuzzedRequest(method, target, body, mediaType);
    }

    private string Segment(string name) => random.Next(3) switch
    {
        0 => Pick(HostileSegments),
        _ => Uri.EscapeDataString(Pick(plausible.GetValueOrDefault(name, ["x"]))),
    };

    private string QueryValue(string name) => random.Next(3) switch
    {
        0 => Uri.EscapeDataString(Pick(HostileStrings).Replace(RawMark, "", StringComparison.Ordinal)),
        1 => Pick(HostileNumbers),
        _ => Uri.EscapeDataString(Pick(plausible.GetValueOrDefault(name, ["1"]))),
    };

    /// <summary>A body for the schema: mostly a valid-looking instance with a few values broken, sometimes not JSON at all.</summary>
    private string Body(JsonObject schema)
    {
        if (random.Next(8) == 0)
        {
            return Pick(BrokenBodies);
        }

        var instance = Instance(schema, "", depth: 0, breakRate: random.Next(2) == 0 ? 0.15 : 0.4);
        return Serialized(instance);
    }

    /// <summary>An instance of the schema in which each value is, at the given rate, replaced by a hostile one.</summary>
    private JsonNode? Instance(JsonObject schema, string name, int depth, double breakRate)
    {
        if (depth > 0 && random.NextDouble() < breakRate)
        {
            return Hostile();
        }

        schema = contract.Resolve(schema);
        if ((schema["oneOf"] ?? schema["anyOf"]) is JsonArray choices)
        {
            var chosen = choices.Select(c => c!.AsObject()).Where(c => c["type"]?.ToString() != "null").ToList();
            return chosen.Count == 0 ? null : Instance(Pick(chosen), name, depth, breakRate);
        }

        if (schema["enum"] is JsonArray values)
        {
            return values[random.Next(values.Count)]?.DeepClone();
        }

        var types = schema["type"] switch
        {
            JsonArray many => many.Select(t => t!.GetValue<string>()).Where(t => t != "null").ToArray(),
            JsonValue one => [one.GetValue<string>()],
            _ => [],
        };
        switch (types.Length == 0 ? "any" : Pick(types))
        {
            case "object":
                var result = new JsonObject();
                var required = (schema["required"] as JsonArray ?? []).Select(r => r!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
                foreach (var (property, propertySchema) in schema["properties"] as JsonObject ?? [])
                {
                    if (required.Contains(property) ? random.Next(12) > 0 : random.Next(2) == 0)
                    {
                        result[property] = random.NextDouble() < breakRate ? Hostile() : Instance(propertySchema!.AsObject(), property, depth + 1, breakRate);
                    }
                }

                if (random.Next(10) == 0)
                {
                    result["unexpected"] = Hostile();
                }

                return result;
            case "array":
                var items = new JsonArray();
                var count = random.Next(10) == 0 ? 1_001 : random.Next(4);
                for (var i = 0; i < count; i++)
                {
                    items.Add(schema["items"] is JsonObject itemSchema ? Instance(itemSchema, name, depth + 1, breakRate / 4) : Hostile());
                }

                return items;
            case "string":
                return JsonValue.Create(schema["format"]?.GetValue<string>() == "date-time"
                    ? DateTimeOffset.UnixEpoch.AddDays(random.Next(20_000, 25_000)).ToString("O", CultureInfo.InvariantCulture)
                    : Pick(plausible.GetValueOrDefault(name, ["plausible"])));
            case "integer":
                return JsonValue.Create(random.Next(0, 100));
            case "number":
                return JsonValue.Create(Math.Round(random.NextDouble() * 100, 3));
            case "boolean":
                return JsonValue.Create(random.Next(2) == 0);
            default:
                return plausible.TryGetValue(name, out var known) ? JsonValue.Create(Pick(known))
                    : random.Next(2) == 0 ? JsonValue.Create(random.Next(0, 5)) : JsonValue.Create(random.Next(2) == 0);
        }
    }

    /// <summary>A value of any kind, meant to break whatever reads it.</summary>
    private JsonNode? Hostile() => random.Next(6) switch
    {
        0 => null,
        1 => JsonValue.Create(RawMark + Pick(HostileNumbers)),
        2 => new JsonArray(JsonValue.Create(Pick(HostileStrings)), null),
        3 => new JsonObject { ["nested"] = JsonValue.Create(Pick(HostileStrings)) },
        4 => JsonValue.Create(random.Next(2) == 0),
        _ => JsonValue.Create(Pick(HostileStrings)),
    };

    /// <summary>The instance as JSON text, with every raw mark written as the text it carries.</summary>
    private static string Serialized(JsonNode? instance)
    {
        var json = instance?.ToJsonString() ?? "null";
        const string marked = "\"\\u0001raw:";
        var text = new StringBuilder();
        var from = 0;
        for (var at = json.IndexOf(marked, StringComparison.Ordinal); at >= 0; at = json.IndexOf(marked, from, StringComparison.Ordinal))
        {
            var end = ClosingQuote(json, at + marked.Length);
            text.Append(json, from, at - from).Append(System.Text.Json.JsonSerializer.Deserialize<string>(json.AsSpan(at, end - at + 1))![(RawMark.Length)..]);
            from = end + 1;
        }

        return text.Append(json, from, json.Length - from).ToString();
    }

    private static int ClosingQuote(string json, int from)
    {
        for (var i = from; i < json.Length; i++)
        {
            if (json[i] == '\\')
            {
                i++;
            }
            else if (json[i] == '"')
            {
                return i;
            }
        }

        throw new InvalidOperationException("An unterminated string in serialized JSON.");
    }

    private T Pick<T>(IReadOnlyList<T> values) => values[random.Next(values.Count)];
}

/// <summary>One fuzzed request: the method, the path with its query, and the body text with its media type.</summary>
public sealed record FuzzedRequest(string Method, string Target, string? Body, string? MediaType)
{
    public override string ToString() => $"{Method} {Target} {(Body is null ? "" : Body.Length > 300 ? Body[..300] + "…" : Body)}";
}
