using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Gateway.Api;

/// <summary>
/// Reads <c>Idempotency-Key</c> and fingerprints the request, so the subscription grain can answer a
/// repeat with the first answer and refuse the same key on a different request.
/// </summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxKeyLength = 255;

    /// <summary>The command context of a request, or an error message for a malformed key.</summary>
    public static (CommandContext? Context, string? Error) ContextOf(HttpRequest request, string operation, object? body)
    {
        string? key = request.Headers[Header];
        if (key is null)
        {
            return (CommandContext.Api, null);
        }

        if (key.Length is 0 or > MaxKeyLength || key.Any(char.IsControl))
        {
            return (null, $"{Header} must be 1-{MaxKeyLength} printable characters.");
        }

        // The bound body, re-serialized: the same request sent with other white space is the same request.
        var canonical = operation + "\n" + JsonSerializer.Serialize(body);
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        return (new CommandContext(key, fingerprint), null);
    }
}
