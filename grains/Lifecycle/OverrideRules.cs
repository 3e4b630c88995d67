using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Grains.Lifecycle;

/// <summary>
/// What a support override may be: one switch or one limit the catalog knows, with a value of the
/// right kind, a reason, and an expiry in the future and at most a year away (an override is an
/// exception, not a plan), and no more than <see cref="MaxInForce"/> per customer.
/// </summary>
public static class OverrideRules
{
    public const int MaxInForce = 50;

    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(366);

    /// <summary>Why <paramref name="request"/> cannot be granted, or null when it can.</summary>
    /// <param name="request">What support asks for.</param>
    /// <param name="catalog">The product's definition.</param>
    /// <param name="inForce">How many overrides the customer has now.</param>
    /// <param name="now">The time of the grant.</param>
    public static (CommandErrorCode Code, string Message)? Refusal(OverrideRequest request, ProductDefinition catalog, int inForce, DateTimeOffset now)
    {
        if (request.Feature is { } feature && !catalog.Plans.Any(p => p.Features.ContainsKey(feature)))
        {
            return (CommandErrorCode.UnknownEntitlement, $"Product '{catalog.ProductId}' has no feature '{feature}'.");
        }

        if (request.Limit is { } limit && !catalog.Plans.Any(p => p.Limits.ContainsKey(limit)) && !(catalog.Meters ?? []).Any(m => m.Limit == limit))
        {
            return (CommandErrorCode.UnknownEntitlement, $"Product '{catalog.ProductId}' has no limit '{limit}'.");
        }

        if ((request.Feature is null) == (request.Limit is null)
            || (request.Feature is not null && request.FeatureValue is null)
            || (request.Limit is not null && request.LimitValue is not >= 0))
        {
            return (CommandErrorCode.InvalidRequest, "Give either a feature with true or false, or a limit with a number of 0 or more.");
        }

        if (request.ExpiresAt <= now || request.ExpiresAt > now + MaxLifetime)
        {
            return (CommandErrorCode.InvalidRequest,
                $"expiresAt must be in the future and at most {MaxLifetime.TotalDays:0} days away: an override is an exception, not a plan.");
        }

        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            return (CommandErrorCode.InvalidRequest, "A reason is required: it is kept in the history.");
        }

        return inForce >= MaxInForce
            ? (CommandErrorCode.InvalidRequest, $"The customer already has {MaxInForce} overrides in force; remove some first.")
            : null;
    }
}
