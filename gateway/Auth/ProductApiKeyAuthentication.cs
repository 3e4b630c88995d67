using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OrleansBilling.Gateway.Problems;

namespace OrleansBilling.Gateway.Auth;

/// <summary>
/// <c>Authorization: Bearer &lt;api key&gt;</c> for product services. The key fixes the product, so a
/// product can only ever name its own customers.
/// </summary>
public sealed class ProductApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ProductApiKeyDirectory directory,
    IProblemDetailsService problems) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ProductApiKey";
    public const string ProductClaim = "billing:product";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        const string bearer = "Bearer ";
        if (!header.StartsWith(bearer, StringComparison.OrdinalIgnoreCase) || header.Length == bearer.Length || header.Length > 512)
        {
            return AuthenticateResult.Fail("The Authorization header must be 'Bearer <api key>'.");
        }

        var productId = await directory.FindProductAsync(header[bearer.Length..].Trim());
        if (productId is null)
        {
            return AuthenticateResult.Fail("Unknown API key.");
        }

        var identity = new ClaimsIdentity([new Claim(ProductClaim, productId)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";

        // Try: a caller that accepts no JSON (a browser) still gets its 401, only without a body.
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Type = ProblemTypes.Unauthorized,
                Status = StatusCodes.Status401Unauthorized,
                Title = "Unauthorized",
                Detail = "Send the product's API key as 'Authorization: Bearer <api key>'.",
            },
        });
    }
}
