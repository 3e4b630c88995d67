namespace OrleansBilling.Gateway.Api;

/// <summary>
/// <c>POST /v1/customers/{id}/subscription/pause</c>: what becomes of the invoices while paused
/// (<c>void</c>, <c>keep_as_draft</c>, <c>mark_uncollectible</c>, as Stripe's <c>pause_collection</c>), and
/// when collection resumes by itself (until <c>…/resume</c> when omitted).
/// </summary>
public sealed record PauseBody(string? Behavior, DateTimeOffset? ResumesAt = null);
