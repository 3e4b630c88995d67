namespace OrleansBilling.Gateway.Problems;

/// <summary>The stable <c>type</c> of every problem the API answers with (RFC 9457). Clients may switch on them.</summary>
public static class ProblemTypes
{
    private const string Prefix = "urn:orleans-billing:problem:";

    public const string InvalidId = Prefix + "invalid-id";
    public const string InvalidRequest = Prefix + "invalid-request";
    public const string Unauthorized = Prefix + "unauthorized";
    public const string Forbidden = Prefix + "forbidden";
    public const string UnknownPlan = Prefix + "unknown-plan";
    public const string UnknownProduct = Prefix + "unknown-product";
    public const string TransitionNotAllowed = Prefix + "transition-not-allowed";
    public const string IdempotencyKeyReused = Prefix + "idempotency-key-reused";
    public const string ProviderUnavailable = Prefix + "provider-unavailable";
    public const string ProviderRejected = Prefix + "provider-rejected";
    public const string NotFound = Prefix + "not-found";
    public const string InvalidWebhook = Prefix + "invalid-webhook";
    public const string InvalidDunningPolicy = Prefix + "invalid-dunning-policy";
    public const string NoBillingAccount = Prefix + "no-billing-account";
    public const string MethodNotAllowed = Prefix + "method-not-allowed";
    public const string UnsupportedMediaType = Prefix + "unsupported-media-type";
    public const string PayloadTooLarge = Prefix + "payload-too-large";
    public const string InternalError = Prefix + "internal-error";
    public const string UnknownEntitlement = Prefix + "unknown-entitlement";
    public const string UnknownMeter = Prefix + "unknown-meter";
    public const string InvalidQuantity = Prefix + "invalid-quantity";
    public const string OutsidePeriod = Prefix + "outside-billing-period";
    public const string NoBillingPeriod = Prefix + "no-billing-period";
    public const string UsageLimitReached = Prefix + "usage-limit-reached";
    public const string UsageUnavailable = Prefix + "usage-unavailable";
    public const string ServiceUnavailable = Prefix + "service-unavailable";
    public const string TooManyRequests = Prefix + "too-many-requests";
    public const string NotRefundable = Prefix + "not-refundable";
    public const string PaymentDeclined = Prefix + "payment-declined";

    /// <summary>
    /// The type for a problem the framework raised (malformed JSON, unknown route, …), so that
    /// every problem this service answers carries one of its own stable types.
    /// </summary>
    public static string ForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => InvalidRequest,
        StatusCodes.Status401Unauthorized => Unauthorized,
        StatusCodes.Status403Forbidden => Forbidden,
        StatusCodes.Status404NotFound => NotFound,
        StatusCodes.Status405MethodNotAllowed => MethodNotAllowed,
        StatusCodes.Status413PayloadTooLarge => PayloadTooLarge,
        StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType,
        StatusCodes.Status429TooManyRequests => TooManyRequests,
        StatusCodes.Status503ServiceUnavailable => ServiceUnavailable,
        _ => InternalError,
    };
}
