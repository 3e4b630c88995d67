using Microsoft.Extensions.Options;
using OrleansBilling.GrainInterfaces.Products;

namespace OrleansBilling.Silo.Products;

/// <summary>Refuses to start with a product declared wrongly, naming every problem at once.</summary>
public sealed class BillingOptionsValidator : IValidateOptions<BillingOptions>
{
    public ValidateOptionsResult Validate(string? name, BillingOptions options)
    {
        var problems = options.Products
            .SelectMany(p => p.Value.ToDefinition(p.Key).Problems.Select(problem => $"Billing:Products:{p.Key}: {problem}"))
            .ToList();

        // A key of another shape would never get past the gateway's first check; the key itself is never named.
        var keys = options.Products.SelectMany(p => p.Value.ApiKeys.Select((key, i) => (Where: $"Billing:Products:{p.Key}:ApiKeys:{i}", Key: key))).ToList();
        if (!string.IsNullOrEmpty(options.Demo.ApiKey))
        {
            keys.Add(("Billing:Demo:ApiKey", options.Demo.ApiKey));
        }

        problems.AddRange(keys
            .Where(k => !ApiKeys.HasKeyShape(k.Key))
            .Select(k => $"{k.Where} must be {ApiKeys.MinLength}-{ApiKeys.MaxLength} letters, digits, '_' or '-'."));
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
