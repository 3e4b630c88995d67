namespace OrleansBilling.GrainInterfaces.Usage;

/// <summary>Why a usage event was not recorded.</summary>
public enum UsageError
{
    /// <summary>The product has no meter of that id.</summary>
    UnknownMeter,
    /// <summary>The quantity is negative, not a number or infinite.</summary>
    InvalidQuantity,
    /// <summary>The timestamp is neither in the current nor in the previous billing period (or in the future).</summary>
    OutsidePeriod,
    /// <summary>The customer has no billing period yet: nothing to count usage in.</summary>
    NoBillingPeriod,
    /// <summary>The idempotency key is missing or malformed.</summary>
    InvalidIdempotencyKey,
    /// <summary>The timestamp is not RFC 3339 with an offset, nor Unix seconds.</summary>
    InvalidTimestamp,
    /// <summary>The customer id is missing or malformed.</summary>
    InvalidCustomerId,
    /// <summary>It would take a meter that refuses overage above the customer's limit for the period.</summary>
    LimitExceeded,
    /// <summary>The service could not store it now; sending it again with the same key is safe.</summary>
    Unavailable,
}
