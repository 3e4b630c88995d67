namespace OrleansBilling.Gateway.Api;

/// <summary>
/// One usage event, the body of <c>POST /v1/customers/{id}/usage</c>. Quantity and timestamp are read
/// leniently, so a bad one is that event's error, not the whole batch's.
/// </summary>
/// <param name="Meter">The catalog meter.</param>
/// <param name="Quantity">A number, 0 or more: at most 6 decimal places, 15 significant digits and the meter's maximum.</param>
/// <param name="IdempotencyKey">The product's id for the event: a repeat counts once.</param>
/// <param name="Timestamp">RFC 3339 with an offset, or Unix seconds; now when left out.</param>
public sealed record UsageBody(string? Meter, UsageQuantity Quantity, string? IdempotencyKey, UsageTimestamp Timestamp = default);

/// <summary>One usage event of a batch: <see cref="UsageBody"/>, and the customer it is for.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="Meter">The catalog meter.</param>
/// <param name="Quantity">A number, 0 or more: at most 6 decimal places, 15 significant digits and the meter's maximum.</param>
/// <param name="IdempotencyKey">The product's id for the event: a repeat counts once.</param>
/// <param name="Timestamp">RFC 3339 with an offset, or Unix seconds; now when left out.</param>
public sealed record UsageBatchEvent(string? CustomerId, string? Meter, UsageQuantity Quantity, string? IdempotencyKey, UsageTimestamp Timestamp = default);

/// <summary>Body of <c>POST /v1/usage</c>: up to 1000 events for any customers of the product.</summary>
public sealed record UsageBatchBody(IReadOnlyList<UsageBatchEvent?>? Events);

/// <summary>What became of one usage event.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="IdempotencyKey">The event's key.</param>
/// <param name="Outcome"><c>Accepted</c>, <c>Duplicate</c> or <c>Rejected</c>.</param>
/// <param name="Error">Why it was rejected.</param>
/// <param name="Detail">The rejection in words.</param>
/// <param name="PeriodStart">The billing period it counts in.</param>
public sealed record UsageEventResult(
    string? CustomerId,
    string? IdempotencyKey,
    GrainInterfaces.Usage.UsageOutcome Outcome,
    GrainInterfaces.Usage.UsageError? Error,
    string? Detail,
    DateTimeOffset? PeriodStart);

/// <summary>The answer to a batch: counts, then one result per event in the order sent.</summary>
public sealed record UsageBatchResult(int Accepted, int Duplicates, int Rejected, IReadOnlyList<UsageEventResult> Results);

/// <summary>Body of <c>POST /v1/entitlements:batch</c>.</summary>
public sealed record EntitlementsBatchBody(IReadOnlyList<string?>? CustomerIds);

/// <summary>One customer's entitlements in a batch answer.</summary>
public sealed record CustomerEntitlements(string CustomerId, GrainInterfaces.Subscriptions.EntitlementsView Entitlements);

/// <summary>The answer to <c>POST /v1/entitlements:batch</c>: one entry per distinct customer, in the order asked.</summary>
public sealed record EntitlementsBatchResult(IReadOnlyList<CustomerEntitlements> Results);
