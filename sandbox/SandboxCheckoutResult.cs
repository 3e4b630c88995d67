namespace OrleansBilling.Sandbox;

/// <summary>The state of a Checkout Session after an attempt to pay it.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Status"><c>open</c> (declined), <c>complete</c> or <c>expired</c>.</param>
/// <param name="CustomerId">The customer, once complete.</param>
/// <param name="SubscriptionId">The subscription, once complete.</param>
/// <param name="InvoiceId">The first invoice, once complete.</param>
/// <param name="SuccessUrl">Where the customer is sent on success, with <c>{CHECKOUT_SESSION_ID}</c> filled in.</param>
/// <param name="Error">The decline, when the card was refused.</param>
public sealed record SandboxCheckoutResult(
    string SessionId,
    string Status,
    string? CustomerId,
    string? SubscriptionId,
    string? InvoiceId,
    string SuccessUrl,
    SandboxCardError? Error);
