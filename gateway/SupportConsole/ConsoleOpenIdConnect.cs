using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using OrleansBilling.Gateway.Admin;
using OrleansBilling.GrainInterfaces.Staff;

namespace OrleansBilling.Gateway.SupportConsole;

/// <summary>The console's sign-in through the company's identity provider, mapped onto a staff name and role.</summary>
public static class ConsoleOpenIdConnect
{
    public const string Scheme = "console-oidc";

    /// <summary>The stamp of a session the identity provider signed in (it has no configured password to follow).</summary>
    public const string Stamp = "oidc";

    /// <summary>The member of staff the provider's claims make, or why there is none.</summary>
    public static (StaffCaller? Caller, string? Refusal) CallerFrom(IEnumerable<Claim> claims, ConsoleOpenIdConnectOptions settings)
    {
        var list = claims.ToList();
        var name = list.FirstOrDefault(c => c.Type == settings.NameClaim)?.Value.Trim().ToLowerInvariant();
        if (!StaffPeople.IsValidName(name))
        {
            return (null, $"The identity provider's {settings.NameClaim} is not a staff name ({StaffPeople.NameRule}).");
        }

        var roles = list.Where(c => c.Type == settings.RoleClaim).Select(c => settings.Roles.TryGetValue(c.Value, out var role) ? role : (StaffRole?)null).OfType<StaffRole>().ToList();
        return roles.Count == 0
            ? (null, $"{name} has no {settings.RoleClaim} value that grants a console role.")
            : (new StaffCaller(name!, roles.Max(), null), null);
    }

    internal static void Configure(OpenIdConnectOptions oidc, ConsoleOpenIdConnectOptions settings, TimeProvider clock)
    {
        oidc.SignInScheme = ConsoleAuth.Scheme;
        oidc.Authority = settings.Authority;
        oidc.ClientId = settings.ClientId;
        oidc.ClientSecret = settings.ClientSecret;
        oidc.ResponseType = OpenIdConnectResponseType.Code;
        oidc.UsePkce = true;
        oidc.CallbackPath = "/console/signin-oidc";
        oidc.SignedOutCallbackPath = "/console/signout-oidc";
        oidc.MapInboundClaims = false;
        oidc.Scope.Clear();
        oidc.Scope.Add("openid");
        oidc.Scope.Add("profile");
        if (settings.AuthorizationEndpoint is { Length: > 0 } authorize && settings.TokenEndpoint is { Length: > 0 } token)
        {
            oidc.Configuration = new OpenIdConnectConfiguration { Issuer = settings.Authority, AuthorizationEndpoint = authorize, TokenEndpoint = token };
        }

        oidc.Events.OnTokenValidated = context =>
        {
            var (caller, refusal) = CallerFrom(context.Principal?.Claims ?? [], settings);
            if (caller is null)
            {
                context.Fail(refusal!);
                return Task.CompletedTask;
            }

            context.Principal = ConsoleSignIn.PrincipalOf(caller, Stamp, clock.GetUtcNow());
            return Task.CompletedTask;
        };
    }
}
