using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using OrleansBilling.GrainInterfaces.Staff;

namespace OrleansBilling.Gateway.SupportConsole;

/// <summary>The console's cookie sign-in and pages: HttpOnly, SameSite=Strict, Secure unless the local default allows HTTP.</summary>
public static class ConsoleAuth
{
    public const string Scheme = "console";
    public const string CookieName = "billing_console";

    /// <summary>Admins signed in to the console (the Orleans Dashboard is theirs).</summary>
    public const string AdminPolicy = "console-admin";

    /// <summary>Where silos mount the Orleans Dashboard: under the console, behind its sign-in and HTTPS rule.</summary>
    public const string DashboardPath = "/console/dashboard";

    public static IServiceCollection AddBillingConsole(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ConsoleOptions>()
            .BindConfiguration(ConsoleOptions.Section)
            .Validate(
                options => options.Accounts.All(a => StaffPeople.IsValidName(a.Key) && ConsoleSignIn.IsHash(a.Value.PasswordHash) && Enum.IsDefined(a.Value.Role))
                    && options.MaxFailedSignIns >= 1 && options.LockoutFor > TimeSpan.Zero,
                $"Billing:Console:Accounts: each account's name is {StaffPeople.NameRule}, with a PasswordHash (never a password: make one with `dotnet run --project silo -- hash-password`) and a Role of Support, Finance or Admin.")
            .ValidateOnStart();
        services.AddSingleton<ConsoleSignIn>();
        var authentication = services.AddAuthentication(Scheme).AddCookie(Scheme);

        // The company's identity provider, when configured: the sign-in page then offers it.
        if (configuration.GetSection($"{ConsoleOptions.Section}:OpenIdConnect").Get<ConsoleOpenIdConnectOptions>() is { Enabled: true })
        {
            authentication.AddOpenIdConnect(ConsoleOpenIdConnect.Scheme, _ => { });
            services.AddOptions<Microsoft.AspNetCore.Authentication.OpenIdConnect.OpenIdConnectOptions>(ConsoleOpenIdConnect.Scheme)
                .Configure<IOptions<ConsoleOptions>, TimeProvider>((oidc, console, clock) => ConsoleOpenIdConnect.Configure(oidc, console.Value.OpenIdConnect, clock));
        }
        services.AddOptions<CookieAuthenticationOptions>(Scheme).Configure<IOptions<ConsoleOptions>, ConsoleSignIn>((cookie, console, signIn) =>
        {
            cookie.Events.OnValidatePrincipal = signIn.ValidateAsync;
            cookie.LoginPath = "/console/sign-in";
            cookie.LogoutPath = "/console/sign-out";
            cookie.AccessDeniedPath = "/console/sign-in";
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
            cookie.Cookie.Name = CookieName;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = console.Value.AllowHttp ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        });
        services.AddAuthorization(options => options.AddPolicy(AdminPolicy, policy => policy
            .AddAuthenticationSchemes(Scheme)
            .RequireAuthenticatedUser()
            .RequireClaim(ConsoleSignIn.RoleClaim, nameof(StaffRole.Admin))));
        services.AddAntiforgery();
        services.AddOptions<Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions>().Configure<IOptions<ConsoleOptions>>((antiforgery, console) =>
        {
            antiforgery.Cookie.Name = "billing_console_af";
            antiforgery.Cookie.HttpOnly = true;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = console.Value.AllowHttp ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        });
        services.AddRazorPages(options =>
        {
            options.RootDirectory = "/SupportConsole/Pages";
            options.Conventions.AuthorizeFolder("/");
            options.Conventions.AllowAnonymousToPage("/SignIn");
        }).AddApplicationPart(typeof(ConsoleAuth).Assembly);
        return services;
    }
}
