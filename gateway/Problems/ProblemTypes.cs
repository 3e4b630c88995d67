namespace OrleansBilling.Gateway.Problems;

/// <summary>The stable <c>type</c> of every problem the API answers with (RFC 9457). Clients may switch on them.</summary>
public static class ProblemTypes
{
    private const string Prefix = "urn:orleans-billing:problem:";

    public const string InvalidId = Prefix + "invalid-id";
    public const string InvalidRequest = Prefix + "invalid-request";
    public const string Unauthorized = Prefix + "unauthorized";
    public const string UnknownPlan = Prefix + "unknown-plan";
    public const string UnknownProduct = Prefix + "unknown-product";
    public const string TransitionNotAllowed = Prefix + "transition-not-allowed";
    public const string IdempotencyKeyReused = Prefix + "idempotency-key-reused";
    public const string ProviderUnavailable = Prefix + "provider-unavailable";
    public const string ProviderRejected = Prefix + "provider-rejected";
}
