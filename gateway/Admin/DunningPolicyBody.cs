namespace OrleansBilling.Gateway.Admin;

/// <summary>Body of <c>PUT /admin/v1/products/{id}/dunning</c>: the shape of DESIGN.md §3.</summary>
public sealed record DunningPolicyBody(IReadOnlyList<DunningStepBody?>? Steps);

/// <summary>One step: <c>after</c> is an ISO 8601 duration (<c>P3D</c>), <c>action</c> one of email, suspend, cancel.</summary>
public sealed record DunningStepBody(string? After, string? Action, string? Template, bool? RetryPayment = null);
