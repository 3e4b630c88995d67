namespace OrleansBilling.Gateway.Api;

/// <summary>Body of <c>POST /v1/customers/{id}/subscription/cancel</c>.</summary>
/// <param name="AtPeriodEnd">True to end at the period end (can be undone); false to end now.</param>
public sealed record CancelBody(bool? AtPeriodEnd);
