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
}

/// <summary>One console account.</summary>
public sealed class ConsoleAccountOptions
{
    /// <summary>The password's hash (ASP.NET Core Identity v3: PBKDF2 with HMAC-SHA512).</summary>
    public string? PasswordHash { get; set; }

    public StaffRole Role { get; set; } = StaffRole.Support;
}
