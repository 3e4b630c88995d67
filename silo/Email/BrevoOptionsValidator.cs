using Microsoft.Extensions.Options;

namespace OrleansBilling.Silo.Email;

/// <summary>Refuses to start without a Brevo key or with limits that would outlive the grain call sending the email.</summary>
public sealed class BrevoOptionsValidator : IValidateOptions<BrevoOptions>
{
    /// <summary>Orleans' default grain-call (response) timeout.</summary>
    private static readonly TimeSpan GrainCallTimeout = TimeSpan.FromSeconds(30);

    public ValidateOptionsResult Validate(string? name, BrevoOptions options)
    {
        var problems = new List<string>();
        if (string.IsNullOrEmpty(options.ApiKey))
        {
            problems.Add("Brevo:ApiKey is required: the API key of the Brevo account (xkeysib-…). Only the local sandbox needs none.");
        }

        if (options.BaseUrl is { Length: > 0 } baseUrl
            && !(Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)))
        {
            problems.Add($"Brevo:BaseUrl must be an absolute http(s) URL such as {BrevoOptions.DefaultBaseUrl}; '{baseUrl}' is not.");
        }

        if (options.MaxAttempts is < 1 or > 10)
        {
            problems.Add("Brevo:MaxAttempts must be between 1 and 10.");
        }

        if (options.RetryDelay < TimeSpan.Zero)
        {
            problems.Add("Brevo:RetryDelay must not be negative.");
        }

        if (options.AttemptTimeout <= TimeSpan.Zero || options.AttemptTimeout > options.TotalTimeout)
        {
            problems.Add("Brevo:AttemptTimeout must be positive and at most Brevo:TotalTimeout.");
        }

        if (options.TotalTimeout >= GrainCallTimeout)
        {
            problems.Add($"Brevo:TotalTimeout must be under {GrainCallTimeout.TotalSeconds:0} s, Orleans' grain-call timeout, so a slow Brevo fails inside the grain call that sends.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
