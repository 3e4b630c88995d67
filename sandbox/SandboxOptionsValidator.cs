using Microsoft.Extensions.Options;

namespace OrleansBilling.Sandbox;

/// <summary>Fails the start when the sandbox could not sign events or sell a configured price.</summary>
internal sealed class SandboxOptionsValidator : IValidateOptions<SandboxOptions>
{
    private static readonly string[] Intervals = ["day", "week", "month", "year"];

    public ValidateOptionsResult Validate(string? name, SandboxOptions options)
    {
        var failures = new List<string>();
        if (!options.WebhookSecret.StartsWith("whsec_", StringComparison.Ordinal))
        {
            failures.Add("SandboxOptions.WebhookSecret must be a whsec_… secret: every event is signed with it.");
        }

        foreach (var price in options.Prices)
        {
            if (!Intervals.Contains(price.Interval))
            {
                failures.Add($"Sandbox price '{price.Id}' has interval '{price.Interval}'; use day, week, month or year.");
            }

            if (price.UnitAmount < 0)
            {
                failures.Add($"Sandbox price '{price.Id}' has a negative unit amount.");
            }

            if (price.Metered is { } metered && (!SandboxMeteredPrice.Aggregations.Contains(metered.Aggregation)
                || string.IsNullOrEmpty(metered.EventName) || metered.UnitAmountDecimal < 0 || metered.IncludedUnits < 0))
            {
                failures.Add($"Sandbox metered price '{price.Id}' needs a meter event name, an aggregation of sum, count or last, and a unit amount and included units of 0 or more.");
            }
        }

        if (options.RequestsPerSecond is < 1)
        {
            failures.Add("SandboxOptions.RequestsPerSecond must be 1 or more (or unset, for no limit).");
        }

        foreach (var duplicate in options.Prices.GroupBy(p => p.Id).Where(g => g.Count() > 1))
        {
            failures.Add($"Sandbox price '{duplicate.Key}' is configured more than once.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
