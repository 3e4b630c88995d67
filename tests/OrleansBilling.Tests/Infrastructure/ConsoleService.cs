using OrleansBilling.Gateway.SupportConsole;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>The billing service with two console accounts configured as a small team would: an admin and a support agent.</summary>
public sealed class ConsoleService : BillingService
{
    public const string AdminPerson = "ada";
    public const string AdminPassword = "correct horse battery staple";
    public const string SupportPerson = "sam";
    public const string SupportPassword = "support-desk-2026";
    public const string LockedPerson = "lee";
    public const string LockedPassword = "finance-2026-lee";

    protected override IEnumerable<string> Arguments() => Accounts((AdminPerson, "Admin", AdminPassword), (SupportPerson, "Support", SupportPassword), (LockedPerson, "Finance", LockedPassword));

    /// <summary>Console accounts as configuration gives them (a hash of each password), and HTTP allowed as locally.</summary>
    public static IEnumerable<string> Accounts(params (string Person, string Role, string Password)[] accounts) =>
    [
        .. accounts.SelectMany(a => new[]
        {
            $"--Billing:Console:Accounts:{a.Person}:Role={a.Role}",
            $"--Billing:Console:Accounts:{a.Person}:PasswordHash={ConsoleSignIn.Hash(a.Password)}",
        }),
        "--Billing:Console:AllowHttp=true",
    ];
}

/// <summary>
/// The local default (Stripe.net against the sandbox, the sandbox's clock) with a small team's console accounts: an
/// admin, a support agent and a finance person, for the console's whole path from a real payment to its refund.
/// </summary>
public sealed class SandboxConsoleService : BillingService
{
    public const string AdminPerson = "ada";
    public const string AdminPassword = "correct horse battery staple";
    public const string SupportPerson = "sam";
    public const string SupportPassword = "support-desk-2026";
    public const string FinancePerson = "fay";
    public const string FinancePassword = "finance-desk-2026";

    protected override bool UseSandbox => true;

    protected override IEnumerable<string> Arguments() =>
        ConsoleService.Accounts((AdminPerson, "Admin", AdminPassword), (SupportPerson, "Support", SupportPassword), (FinancePerson, "Finance", FinancePassword));
}

/// <summary>The billing service whose console also signs in through a company's identity provider (one without a discovery document).</summary>
public sealed class ConsoleOidcService : BillingService
{
    public const string AuthorizeEndpoint = "https://idp.example.test/oauth2/authorize";

    protected override IEnumerable<string> Arguments() =>
    [
        "--Billing:Console:AllowHttp=true",
        "--Billing:Console:OpenIdConnect:Authority=https://idp.example.test",
        "--Billing:Console:OpenIdConnect:ClientId=billing-console",
        "--Billing:Console:OpenIdConnect:ClientSecret=not-a-real-secret",
        "--Billing:Console:OpenIdConnect:DisplayName=Acme SSO",
        $"--Billing:Console:OpenIdConnect:AuthorizationEndpoint={AuthorizeEndpoint}",
        "--Billing:Console:OpenIdConnect:TokenEndpoint=https://idp.example.test/oauth2/token",
        "--Billing:Console:OpenIdConnect:Roles:billing-support=Support",
    ];
}
