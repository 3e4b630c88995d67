namespace OrleansBilling.Gateway.Api;

/// <summary>Body of <c>POST /v1/customers/{id}/subscription/plan</c>.</summary>
/// <param name="Plan">The plan to move to.</param>
/// <param name="Proration"><c>create_prorations</c> (default), <c>always_invoice</c> or <c>none</c>, as Stripe names them.</param>
public sealed record ChangePlanBody(string? Plan, string? Proration = null);
