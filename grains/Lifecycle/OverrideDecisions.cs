using System.Globalization;
using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Grains.Lifecycle;

/// <summary>
/// Support overrides as lifecycle decisions: granted and removed with who and why, expired by the
/// clock, each recorded. What an override may be is <see cref="OverrideRules"/>.
/// </summary>
internal static class OverrideDecisions
{
    public static Decision Grant(SubscriptionLifecycle.Step step, LifecycleInput.GrantOverride input)
    {
        var s = step.Current;
        var request = input.Request;
        if (OverrideRules.Refusal(request, step.Product, s.OverridesInForce(step.Now).Count(), step.Now) is { } refusal)
        {
            return step.Reject(refusal.Code, refusal.Message);
        }

        var granted = new GrantedOverride(
            $"ovr_{s.OverridesGranted + 1}", request.Feature, request.Limit, request.FeatureValue, request.LimitValue,
            request.Reason, input.Actor, step.Now, request.ExpiresAt);
        var next = s with { Overrides = s.Overrides.Add(granted), OverridesGranted = s.OverridesGranted + 1 };
        return step.Record(HistoryFact.OverrideGranted, next, $"{Describe(granted)}; reason: {granted.Reason}");
    }

    public static Decision Remove(SubscriptionLifecycle.Step step, LifecycleInput.RemoveOverride input)
    {
        var s = step.Current;
        if (s.OverridesInForce(step.Now).FirstOrDefault(o => o.Id == input.OverrideId) is not { } removed)
        {
            return step.Reject(CommandErrorCode.OverrideNotFound, $"The customer has no override '{input.OverrideId}' in force.");
        }

        return step.Record(HistoryFact.OverrideRemoved, s with { Overrides = s.Overrides.Remove(removed) }, Describe(removed));
    }

    /// <summary>Every override whose expiry is reached leaves, one entry each; nothing to expire is no change.</summary>
    public static Decision Expire(SubscriptionLifecycle.Step step)
    {
        var s = step.Current;
        var expired = s.Overrides.Where(o => o.ExpiresAt <= step.Now).ToList();
        return expired.Count == 0
            ? step.Skip(IgnoreReason.AlreadyInState, "No override has expired.")
            : step.Record(s with { Overrides = s.Overrides.RemoveAll(expired.Contains) }, [.. expired.Select(o => (HistoryFact.OverrideExpired, (string?)Describe(o)))]);
    }

    private static string Describe(GrantedOverride o) =>
        string.Create(CultureInfo.InvariantCulture, $"{o.Id}: {(o.Feature is { } f ? $"feature {f} = {(o.FeatureValue == true ? "on" : "off")}" : $"limit {o.Limit} = {o.LimitValue}")} until {o.ExpiresAt:O} by {o.Actor}");
}
