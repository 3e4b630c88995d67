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

    protected override IEnumerable<string> Arguments() =>
    [
        $"--Billing:Console:Accounts:{AdminPerson}:Role=Admin",
        $"--Billing:Console:Accounts:{AdminPerson}:PasswordHash={ConsoleSignIn.Hash(AdminPassword)}",
        $"--Billing:Console:Accounts:{SupportPerson}:Role=Support",
        $"--Billing:Console:Accounts:{SupportPerson}:PasswordHash={ConsoleSignIn.Hash(SupportPassword)}",
        $"--Billing:Console:Accounts:{LockedPerson}:Role=Finance",
        $"--Billing:Console:Accounts:{LockedPerson}:PasswordHash={ConsoleSignIn.Hash(LockedPassword)}",
        "--Billing:Console:AllowHttp=true",
    ];
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
