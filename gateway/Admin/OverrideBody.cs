using System.Text.Json;

namespace OrleansBilling.Gateway.Admin;

/// <summary>Body of <c>POST /admin/v1/products/{p}/customers/{c}/overrides</c>: one feature or one limit.</summary>
/// <param name="Feature">The feature to switch.</param>
/// <param name="Limit">The limit to set.</param>
/// <param name="Value"><c>true</c>/<c>false</c> for a feature; a whole number of 0 or more for a limit.</param>
/// <param name="Reason">Why; kept in the history.</param>
/// <param name="ExpiresAt">When it stops applying (at most a year away).</param>
public sealed record OverrideBody(JsonElement? Value, string? Reason, DateTimeOffset? ExpiresAt, string? Feature = null, string? Limit = null);
