using Microsoft.Extensions.Options;

namespace OrleansBilling.Silo.Products;

/// <summary>Refuses to start with a product declared wrongly, naming every problem at once.</summary>
public sealed class BillingOptionsValidator : IValidateOptions<BillingOptions>
{
    public ValidateOptionsResult Validate(string? name, BillingOptions options)
    {
        var problems = options.Products
            .SelectMany(p => p.Value.ToDefinition(p.Key).Problems.Select(problem => $"Billing:Products:{p.Key}: {problem}"))
            .ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
