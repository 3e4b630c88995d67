using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace OrleansBilling.Sandbox.Control;

/// <summary>The JSON bodies of the sandbox's own endpoints and of the Brevo emulator: read leniently, answered as written.</summary>
internal static class SandboxJson
{
    /// <summary>The JSON object body; an empty body is an empty object; anything else is null.</summary>
    public static async Task<JsonObject?> ReadAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>An integer member, <paramref name="absent"/> when missing, null when not an integer.</summary>
    public static int? Integer(JsonObject body, string name, int absent) => body[name] switch
    {
        null => absent,
        JsonValue value when value.TryGetValue<int>(out var number) => number,
        _ => null,
    };

    public static IResult Json(JsonNode json, int status = 200) =>
        Results.Content(json.ToJsonString(), "application/json", statusCode: status);
}
