using System.Text.Json;
using System.Text.RegularExpressions;

namespace OrleansBilling.GrainInterfaces.Webhooks;

/// <summary>
/// Reads a Stripe event's envelope from its raw body, for the webhook and for a re-run of a stored
/// event alike. A body with a usable event id is an event: it is stored and gets an outcome, and
/// whatever else in it cannot be read (a <c>created</c> out of range, a NUL or a lone surrogate in a
/// string, a missing <c>data.object</c>) makes it <see cref="StripeWebhook.Unreadable"/>, an anomaly
/// a person can see and re-run, never a failure Stripe would deliver again for three days.
/// </summary>
public static partial class StripeWebhookReader
{
    /// <summary>What an event stands under when its type or API version cannot be read.</summary>
    public const string Unknown = "(unreadable)";

    /// <summary>The latest instant a timestamp may name: 9999-12-31T23:59:59Z.</summary>
    private const long LastUnixSecond = 253_402_300_799;

    /// <summary>
    /// The event the body stands for, possibly unreadable; null when it is no event at all (not a
    /// JSON object, or without an <c>evt_</c> id of at most 255 letters, digits and underscores),
    /// which nothing can store and the webhook refuses.
    /// </summary>
    public static StripeWebhook? Read(string body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "id") is not { } id || !IsEventId(id))
            {
                return null;
            }

            var problems = new List<string>();
            var type = Text(root, "type") is { Length: <= 100 } t && EventType().IsMatch(t) ? t : Problem(problems, "type is not an event type");
            var apiVersion = Text(root, "api_version") is { } v && ApiVersion().IsMatch(v) ? v : Problem(problems, "api_version is not an API version");
            DateTimeOffset? created = root.TryGetProperty("created", out var c) && c.ValueKind == JsonValueKind.Number
                && c.TryGetInt64(out var seconds) && seconds is >= 0 and <= LastUnixSecond
                    ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                    : null;
            if (created is null)
            {
                problems.Add("created is not a time in Unix seconds");
            }

            if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
                || !data.TryGetProperty("object", out var dataObject) || dataObject.ValueKind != JsonValueKind.Object)
            {
                problems.Add("data.object is not an object");
            }

            // Raw control characters are not JSON and invalid UTF-8 decodes to U+FFFD: only an escape
            // can make a NUL or a lone surrogate, so a body without one needs no walk.
            if (body.Contains("\\u", StringComparison.Ordinal) && UnreadableString(root) is { } path)
            {
                problems.Add($"{path} holds a NUL or a lone surrogate");
            }

            return new StripeWebhook(id, type, apiVersion, created, body, problems.Count == 0 ? null : string.Join("; ", problems));
        }
    }

    /// <summary>Whether <paramref name="id"/> has the shape of a Stripe event id: <c>evt_</c> and at most 251 letters, digits and underscores.</summary>
    public static bool IsEventId(string? id) => id is not null && EventId().IsMatch(id);

    /// <summary>The string property's value; null when it is missing, not a string, or not text.</summary>
    private static string? Text(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var property) || property.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return property.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static string Problem(List<string> problems, string problem)
    {
        problems.Add(problem);
        return Unknown;
    }

    /// <summary>
    /// The path of the first string that is no text PostgreSQL or .NET can hold (a NUL, or a lone
    /// surrogate escape, which cannot even be read as a string), "" for the element itself; null
    /// when every string is text.
    /// </summary>
    private static string? UnreadableString(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return IsText(() => element.GetString()) ? null : "";
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (UnreadableString(item) is { } inItem)
                    {
                        return Join($"[{index}]", inItem);
                    }

                    index++;
                }

                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (!IsText(() => property.Name))
                    {
                        return "(a property name)";
                    }

                    if (UnreadableString(property.Value) is { } inValue)
                    {
                        return Join(property.Name, inValue);
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static string Join(string step, string rest) => rest.Length == 0 ? step : rest[0] == '[' ? step + rest : $"{step}.{rest}";

    private static bool IsText(Func<string?> read)
    {
        try
        {
            return read() is not { } text || !text.Contains('\0', StringComparison.Ordinal);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^evt_[A-Za-z0-9_]{1,251}\z", RegexOptions.CultureInvariant)]
    private static partial Regex EventId();

    [GeneratedRegex(@"^[a-z0-9_]+(\.[a-z0-9_]+)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex EventType();

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}(\.[a-z0-9_]+)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex ApiVersion();
}
