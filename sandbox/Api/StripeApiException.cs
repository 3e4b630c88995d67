using System.Text.Json.Nodes;
using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Api;

/// <summary>
/// A refusal in Stripe's error shape. Parameter errors surface deep inside parsing and end the whole call
/// before anything changed, which is what an exception models; the pipeline turns it into the response.
/// </summary>
internal sealed class StripeApiException(int status, string type, string message, string? code = null, string? param = null, CardDecline? decline = null, string? chargeId = null)
    : Exception(message)
{
    public int Status { get; } = status;

    public string Type { get; } = type;

    public string? Code { get; } = code;

    public string? Param { get; } = param;

    /// <summary>Set for a card error.</summary>
    public CardDecline? Decline { get; } = decline;

    public static StripeApiException Missing(string param) =>
        new(400, "invalid_request_error", $"Missing required param: {param}.", "parameter_missing", param);

    public static StripeApiException Invalid(string param, string message, string? code = null) =>
        new(400, "invalid_request_error", message, code, param);

    public static StripeApiException Request(string message, string? code = null, string? param = null) =>
        new(400, "invalid_request_error", message, code, param);

    /// <summary>A missing object: 404 when it is the object of the URL, 400 when a parameter names it.</summary>
    public static StripeApiException NoSuch(string resource, string id, string param, bool inUrl = false) =>
        new(inUrl ? 404 : 400, "invalid_request_error", $"No such {resource}: '{id}'", "resource_missing", param);

    public static StripeApiException CardDeclined(CardDecline decline, string? chargeId) =>
        new(402, "card_error", decline.Message, decline.Code, null, decline, chargeId);

    public JsonObject ToBody()
    {
        var error = Decline is null
            ? new JsonObject { ["type"] = Type, ["code"] = Code, ["doc_url"] = Code is null ? null : CardDecline.DocUrl(Code), ["message"] = Message, ["param"] = Param }
            : Decline.ToJson(chargeId);
        error["request_log_url"] = null;
        return new JsonObject { ["error"] = error };
    }
}
