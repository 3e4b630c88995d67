namespace OrleansBilling.Gateway.Api;

/// <summary>Body of <c>POST /v1/checkout</c>.</summary>
/// <param name="CustomerId">The product's own id for its customer.</param>
/// <param name="Plan">A plan id of the product's catalog.</param>
/// <param name="SuccessUrl">Where the provider sends the customer after paying.</param>
/// <param name="CancelUrl">Where the provider sends the customer who gives up.</param>
/// <param name="Email">The customer's email address, for receipts and lifecycle email.</param>
public sealed record CheckoutBody(string? CustomerId, string? Plan, string? SuccessUrl, string? CancelUrl, string? Email = null);
