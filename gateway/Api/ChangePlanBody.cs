namespace OrleansBilling.Gateway.Api;

/// <summary>Body of <c>POST /v1/customers/{id}/subscription/plan</c>.</summary>
/// <param name="Plan">The plan to move to.</param>
/// <param name="Proration"><c>create_prorations</c> (default), <c>always_invoice</c> or <c>none</c>, as Stripe names them; only for a change now.</param>
/// <param name="At"><c>now</c> (default), or <c>period_end</c>: the change waits for the renewal, shown meanwhile as the pending change.</param>
public sealed record ChangePlanBody(string? Plan, string? Proration = null, string? At = null);
