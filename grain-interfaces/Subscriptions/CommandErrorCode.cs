namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>Why a command was refused. Each code has one stable problem type at the HTTP edge.</summary>
public enum CommandErrorCode
{
    /// <summary>The lifecycle table does not allow the transition from the current state.</summary>
    TransitionNotAllowed,
    /// <summary>The product's catalog has no such plan.</summary>
    UnknownPlan,
    /// <summary>The product is not configured.</summary>
    UnknownProduct,
    /// <summary>The request is malformed in a way only the grain can see.</summary>
    InvalidRequest,
    /// <summary>The idempotency key was used before with a different request.</summary>
    IdempotencyKeyReused,
    /// <summary>The payment provider failed or is unreachable; retrying later may succeed.</summary>
    ProviderUnavailable,
    /// <summary>The payment provider refused the request.</summary>
    ProviderRejected,
    /// <summary>The customer has no account at the payment provider yet (never checked out).</summary>
    NoBillingAccount,
    /// <summary>The product's catalog has no such feature or limit.</summary>
    UnknownEntitlement,
    /// <summary>The customer has no override of that id (it was removed or has expired).</summary>
    OverrideNotFound,
    /// <summary>The customer has no such payment at the provider (another customer's, or none of that id).</summary>
    PaymentNotFound,
    /// <summary>The refund asks for more than remains refundable, or for nothing.</summary>
    NotRefundable,
    /// <summary>The payment a change needed at once was declined: nothing changed.</summary>
    PaymentDeclined,
    /// <summary>The product has no event endpoint of that id.</summary>
    EndpointNotFound,
    /// <summary>The product has no event of that id.</summary>
    EventNotFound,
}
