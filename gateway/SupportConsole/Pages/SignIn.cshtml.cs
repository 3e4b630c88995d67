using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace OrleansBilling.Gateway.SupportConsole.Pages;

/// <summary>The console's sign-in: a configured account's name and password; locked for a while after repeated failures.</summary>
public sealed class SignInModel(ConsoleSignIn signIn) : PageModel
{
    public string? Person { get; private set; }

    public string? ReturnUrl { get; private set; }

    public string? Error { get; private set; }

    public void OnGet(string? returnUrl) => ReturnUrl = returnUrl;

    public async Task<IActionResult> OnPostAsync(string? person, string? password, string? returnUrl)
    {
        var (outcome, principal) = signIn.Check(person, password);
        if (principal is null)
        {
            Person = person;
            ReturnUrl = returnUrl;
            Error = outcome == ConsoleSignIn.Outcome.LockedOut
                ? "This account is locked for a while after repeated failed sign-ins. Try again later."
                : "That name and password do not match an account.";
            Response.StatusCode = outcome == ConsoleSignIn.Outcome.LockedOut ? StatusCodes.Status429TooManyRequests : StatusCodes.Status401Unauthorized;
            return Page();
        }

        await HttpContext.SignInAsync(ConsoleAuth.Scheme, principal);

        // Only back into the console: an open redirect would hand a signed-in session to anyone's page.
        return LocalRedirect(returnUrl is { } back && back.StartsWith("/console", StringComparison.Ordinal) && Url.IsLocalUrl(back) ? back : "/console");
    }
}
