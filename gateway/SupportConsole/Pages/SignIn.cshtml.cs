using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OrleansBilling.Gateway.Auth;

namespace OrleansBilling.Gateway.SupportConsole.Pages;

/// <summary>
/// The console's sign-in: a configured account's name and password; locked for a while after repeated failures,
/// and, like a wrong API key, counted against the client's allowance of failures (each check costs a hash). A small
/// form only.
/// </summary>
[RequestSizeLimit(8 * 1024)]
[RequestFormLimits(ValueLengthLimit = 2048, ValueCountLimit = 8)]
public sealed partial class SignInModel(ConsoleSignIn signIn, FailedAttempts failures, Microsoft.Extensions.Options.IOptionsMonitor<ConsoleOptions> options) : PageModel
{
    /// <summary>The identity provider's name when one is configured, else null.</summary>
    public string? Provider => options.CurrentValue.OpenIdConnect is { Enabled: true } oidc ? oidc.DisplayName : null;

    public string? Person { get; private set; }

    public string? ReturnUrl { get; private set; }

    public string? Error { get; private set; }

    public void OnGet(string? returnUrl) => ReturnUrl = returnUrl;

    /// <summary>Off to the company's identity provider (authorization code with PKCE), back into the console after.</summary>
    public IActionResult OnGetExternal(string? returnUrl) => Provider is null
        ? NotFound()
        : Challenge(new AuthenticationProperties { RedirectUri = Back(returnUrl) }, ConsoleOpenIdConnect.Scheme);

    public async Task<IActionResult> OnPostAsync(string? person, string? password, string? returnUrl)
    {
        if (failures.Exhausted(HttpContext, FailedAttempts.Surface.Keys))
        {
            return new ResultAdapter(failures.TooMany(HttpContext));
        }

        var (outcome, principal) = signIn.Check(person, password);
        if (principal is null)
        {
            failures.Count(HttpContext, FailedAttempts.Surface.Keys);
            Person = person;
            ReturnUrl = returnUrl;
            Error = outcome == ConsoleSignIn.Outcome.LockedOut
                ? "This account is locked for a while after repeated failed sign-ins. Try again later."
                : "That name and password do not match an account.";
            Response.StatusCode = outcome == ConsoleSignIn.Outcome.LockedOut ? StatusCodes.Status429TooManyRequests : StatusCodes.Status401Unauthorized;
            return Page();
        }

        await HttpContext.SignInAsync(ConsoleAuth.Scheme, principal);

        // Only back into a console page: an open redirect would hand a signed-in session to anyone's page.
        return LocalRedirect(Back(returnUrl));
    }

    private static string Back(string? returnUrl) => returnUrl is { } back && ConsolePath().IsMatch(back) ? back : "/console";

    // A console page's path: segments of id characters (a customer's page), never one of dots alone.
    [GeneratedRegex(@"^/console(/(?!\.+(/|$))[A-Za-z0-9_.-]+)*/?$")]
    private static partial Regex ConsolePath();
}
