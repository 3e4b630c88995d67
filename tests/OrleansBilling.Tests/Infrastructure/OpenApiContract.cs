using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// The service's own OpenAPI document, as a validating proxy reads it: which operation a request is,
/// which statuses and media types it may answer, and the JSON Schema (2020-12, as OpenAPI 3.1 uses)
/// every body must satisfy. Fetched once per test run from a running service.
/// </summary>
public sealed class OpenApiContract
{
    private const string Json = "application/json";

    private static readonly SemaphoreSlim Fetching = new(1, 1);
    private static OpenApiContract? fetched;

    private readonly JsonObject definitions;
    private readonly IReadOnlyList<Operation> operations;
    private readonly ConcurrentDictionary<string, JsonSchema> schemas = new(StringComparer.Ordinal);

    private OpenApiContract(JsonObject document)
    {
        Document = document;
        definitions = Rewritten(document["components"]?["schemas"]?.DeepClone() ?? new JsonObject()).AsObject();
        operations =
        [
            .. document["paths"]!.AsObject()
                .SelectMany(path => path.Value!.AsObject().Select(method => new Operation(
                    method.Key.ToUpperInvariant(), path.Key, PathPattern(path.Key), method.Value!.AsObject()))),
        ];
    }

    /// <summary>The document as served.</summary>
    public JsonObject Document { get; }

    /// <summary>The operation a request is, as <c>METHOD /path</c>; null when the document does not describe it.</summary>
    public string? OperationOf(string method, string path) => operations.FirstOrDefault(o => o.Method == method && o.Pattern.IsMatch(path))?.Name;

    /// <summary>Every operation of the document, as <c>METHOD /path</c>.</summary>
    public IEnumerable<string> Operations => operations.Select(o => o.Name);

    /// <summary>Every operation of the document: its method, path template and description.</summary>
    public IEnumerable<(string Method, string Template, JsonObject Node)> Described => operations.Select(o => (o.Method, o.Template, o.Node));

    /// <summary>The schema a <c>$ref</c> to the document's components names; any other schema as it is.</summary>
    public JsonObject Resolve(JsonObject schema) =>
        schema["$ref"]?.GetValue<string>() is { } reference && reference.StartsWith("#/components/schemas/", StringComparison.Ordinal)
            ? Resolve(Document["components"]!["schemas"]![reference["#/components/schemas/".Length..]]!.AsObject())
            : schema;

    /// <summary>How often each operation's responses were checked in this run.</summary>
    public ConcurrentDictionary<string, int> Checked { get; } = new(StringComparer.Ordinal);

    /// <summary>The document of the service at <paramref name="baseAddress"/>; the same for every service of this build.</summary>
    public static async Task<OpenApiContract> OfAsync(Uri baseAddress)
    {
        if (fetched is { } known)
        {
            return known;
        }

        await Fetching.WaitAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = baseAddress };
            var document = JsonNode.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)))!.AsObject();
            return fetched ??= new OpenApiContract(document);
        }
        finally
        {
            Fetching.Release();
        }
    }

    /// <summary>
    /// What is wrong with an exchange in the document's eyes; empty when it conforms. Requests to paths
    /// the document does not describe (the sandbox, health checks) are not its business. With
    /// <paramref name="checkRequest"/>, a request the API accepted (2xx) must conform too, as a
    /// validating proxy in front of it would demand (not so for a test sending garbage on purpose to an
    /// endpoint that answers each item of a batch on its own).
    /// </summary>
    public IReadOnlyList<string> Check(
        string method, string path, string? requestMediaType, string? requestBody, int status, string? responseMediaType, string responseBody, bool checkRequest = false)
    {
        if (operations.FirstOrDefault(o => o.Method == method && o.Pattern.IsMatch(path)) is not { } operation)
        {
            return [];
        }

        Checked.AddOrUpdate(operation.Name, 1, (_, n) => n + 1);
        var problems = new List<string>();
        var responses = operation.Node["responses"]!.AsObject();
        if ((responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] ?? responses["default"]) is not JsonObject response)
        {
            return [$"{operation.Name} answered {status}, which the document does not declare ({string.Join(", ", responses.Select(r => r.Key))})."];
        }

        if (responseBody.Length > 0)
        {
            problems.AddRange(CheckBody($"{operation.Name} → {status}", response["content"] as JsonObject, responseMediaType, responseBody));
        }
        else if (response["content"] is JsonObject { Count: > 0 } declared && method != "HEAD")
        {
            problems.Add($"{operation.Name} → {status}: no body where the document declares {string.Join(", ", declared.Select(c => c.Key))}.");
        }

        if (checkRequest && status is >= 200 and < 300 && operation.Node["requestBody"] is JsonObject request && requestBody is { Length: > 0 })
        {
            problems.AddRange(CheckBody($"{operation.Name} request", request["content"] as JsonObject, requestMediaType, requestBody));
        }

        return problems;
    }

    private IEnumerable<string> CheckBody(string what, JsonObject? content, string? mediaType, string body)
    {
        if (content is null || mediaType is null || content[mediaType] is not JsonObject media)
        {
            yield return $"{what}: a body of type {mediaType ?? "(none)"} where the document declares {(content is null ? "none" : string.Join(", ", content.Select(c => c.Key)))}.";
            yield break;
        }

        if (mediaType is not (Json or "application/problem+json") || media["schema"] is not JsonObject schemaNode)
        {
            yield break;
        }

        if (Parse(body) is not { } instance)
        {
            yield return $"{what}: the body is not JSON.";
            yield break;
        }

        using (instance)
        {
            var schema = schemas.GetOrAdd($"{what}|{mediaType}", _ => Compile(schemaNode));
            var result = schema.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (!result.IsValid)
            {
                var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                    .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Value}"))
                    .Take(8);
                yield return $"{what}: the body does not match the document's schema: {string.Join("; ", errors)}. Body: {Truncate(body)}";
            }
        }
    }

    private static JsonDocument? Parse(string body)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>One schema of the document as a standalone JSON Schema with every component beside it.</summary>
    private JsonSchema Compile(JsonObject schemaNode)
    {
        var standalone = Rewritten(schemaNode.DeepClone()).AsObject();
        standalone["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        standalone["$defs"] = definitions.DeepClone();
        return JsonSchema.FromText(standalone.ToJsonString());
    }

    /// <summary>References to components become references to <c>$defs</c> of the standalone schema.</summary>
    private static JsonNode Rewritten(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (key == "$ref" && value?.GetValue<string>() is { } reference && reference.StartsWith("#/components/schemas/", StringComparison.Ordinal))
                    {
                        obj[key] = "#/$defs/" + reference["#/components/schemas/".Length..];
                    }
                    else if (value is not null)
                    {
                        Rewritten(value);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array.Where(item => item is not null))
                {
                    Rewritten(item!);
                }

                break;
        }

        return node;
    }

    private static Regex PathPattern(string template) =>
        new("^" + Regex.Replace(Regex.Escape(template), @"\\\{[^}]+}", "[^/]+") + "$", RegexOptions.CultureInvariant);

    private static string Truncate(string body) => body.Length <= 600 ? body : body[..600] + "…";

    private sealed record Operation(string Method, string Template, Regex Pattern, JsonObject Node)
    {
        public string Name => $"{Method} {Template}";
    }
}
