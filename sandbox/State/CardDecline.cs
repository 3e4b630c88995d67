using System.Text.Json.Nodes;

namespace OrleansBilling.Sandbox.State;

/// <summary>Why a test card was refused, in Stripe's card_error terms.</summary>
internal sealed record CardDecline(string Code, string? DeclineCode, string Message)
{
    public JsonObject ToJson(string? chargeId) => new()
    {
        ["type"] = "card_error",
        ["code"] = Code,
        ["decline_code"] = DeclineCode,
        ["message"] = Message,
        ["charge"] = chargeId,
        ["doc_url"] = DocUrl(Code),
    };

    /// <summary>The page of Stripe's documentation about an error code, as Stripe's errors link it.</summary>
    public static string DocUrl(string code) => $"https://docs.stripe.com/error-codes/{code.Replace('_', '-')}";
}
