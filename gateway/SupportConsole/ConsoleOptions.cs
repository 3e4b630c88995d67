using OrleansBilling.GrainInterfaces.Staff;

namespace OrleansBilling.Gateway.SupportConsole;

/// <summary>
/// The staff console's accounts and cookie (<c>Billing:Console</c>): accounts configured at start, each a person
/// with a password hash (ASP.NET Core Identity's format, made with <c>dotnet run --project silo -- hash-password</c>;
/// never a password) and a role. Companies with an identity provider sign in with OpenID Connect instead.
/// </summary>
public sealed class ConsoleOptions
{
    public const string Section = "Billing:Console";

    /// <summary>Accounts by person name (<see cref="StaffPeople.NameRule"/>).</summary>
    public Dictionary<string, ConsoleAccountOptions> Accounts { get; set; } = [];

    /// <summary>
    /// Sends the sign-in cookie over plain HTTP too (<c>SameAsRequest</c>); only for the local default on
    /// localhost. Off, the cookie is <c>Secure</c> and only ever sent over HTTPS.
    /// </summary>
    public bool AllowHttp { get; set; }

    /// <summary>Failed sign-ins in a row that lock an account.</summary>
    public int MaxFailedSignIns { get; set; } = 5;

    /// <summary>How long a locked account stays locked.</summary>
    public TimeSpan LockoutFor { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Sign-in through the company's identity provider; off unless its authority and client id are set.</summary>
    public ConsoleOpenIdConnectOptions OpenIdConnect { get; set; } = new();
}

/// <summary>
/// OpenID Connect for the console (<c>Billing:Console:OpenIdConnect</c>): the authorization code flow with PKCE.
/// Who signs in is the <see cref="NameClaim"/>; what they may do is the highest role their <see cref="RoleClaim"/>
/// values map to in <see cref="Roles"/>; a person without one is refused.
/// </summary>
public sealed class ConsoleOpenIdConnectOptions
{
    /// <summary>The identity provider's issuer URL; its discovery document is read from there unless the endpoints are given.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>Shown on the sign-in button: "Sign in with …".</summary>
    public string DisplayName { get; set; } = "your company account";

    /// <summary>The claim naming the person (lower-cased; it must be a staff name, not an email address).</summary>
    public string NameClaim { get; set; } = "preferred_username";

    /// <summary>The claim carrying the person's groups or roles at the identity provider.</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>A value of <see cref="RoleClaim"/> to the staff role it grants.</summary>
    public Dictionary<string, StaffRole> Roles { get; set; } = [];

    /// <summary>For a provider without a discovery document: its authorization endpoint (with <see cref="TokenEndpoint"/>).</summary>
    public string? AuthorizationEndpoint { get; set; }

    public string? TokenEndpoint { get; set; }

    public bool Enabled => !string.IsNullOrEmpty(Authority) && !string.IsNullOrEmpty(ClientId);
}

/// <summary>One console account.</summary>
public sealed class ConsoleAccountOptions
{
    /// <summary>The password's hash (ASP.NET Core Identity v3: PBKDF2 with HMAC-SHA512).</summary>
    public string? PasswordHash { get; set; }

    public StaffRole Role { get; set; } = StaffRole.Support;
}
