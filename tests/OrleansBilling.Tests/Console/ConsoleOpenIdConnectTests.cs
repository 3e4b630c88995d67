using System.Net;
using System.Security.Claims;
using OrleansBilling.Gateway.SupportConsole;
using OrleansBilling.GrainInterfaces.Staff;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Console;

/// <summary>
/// The console's sign-in through a company's identity provider (issue 12 §1), as far as it can be tested without
/// one: the page offers it, the challenge is the authorization code flow with PKCE back to the console, and the
/// provider's claims become a staff name and the highest role they map to, or a refusal.
/// </summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class ConsoleOpenIdConnectTests(ConsoleOidcService service) : IClassFixture<ConsoleOidcService>
{
    private static readonly ConsoleOpenIdConnectOptions Settings = new()
    {
        Roles = new() { ["billing-support"] = StaffRole.Support, ["billing-finance"] = StaffRole.Finance },
    };

    [Fact]
    public async Task The_sign_in_page_offers_the_provider_and_its_challenge_is_the_code_flow_with_pkce()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = service.BaseAddress };

        var page = await client.GetStringAsync(new Uri("/console/sign-in", UriKind.Relative), TestContext.Current.CancellationToken);
        using var challenge = await client.GetAsync(new Uri("/console/sign-in?handler=external&returnUrl=%2Fconsole", UriKind.Relative), TestContext.Current.CancellationToken);
        var location = challenge.Headers.Location!;
        var query = System.Web.HttpUtility.ParseQueryString(location.Query);

        Assert.Contains("Sign in with Acme SSO", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        Assert.StartsWith(ConsoleOidcService.AuthorizeEndpoint, location.ToString(), StringComparison.Ordinal);
        Assert.Equal(("billing-console", "code", "S256"), (query["client_id"], query["response_type"], query["code_challenge_method"]));
        Assert.False(string.IsNullOrEmpty(query["code_challenge"]));
        Assert.EndsWith("/console/signin-oidc", query["redirect_uri"], StringComparison.Ordinal);
    }

    [Fact]
    public void The_providers_claims_give_the_highest_mapped_role()
    {
        var (caller, refusal) = ConsoleOpenIdConnect.CallerFrom(
            [new Claim("preferred_username", "Ada.L"), new Claim("roles", "billing-support"), new Claim("roles", "billing-finance"), new Claim("roles", "other")],
            Settings);

        Assert.Null(refusal);
        Assert.Equal(("ada.l", StaffRole.Finance), (caller!.Person, caller.Role));
    }

    [Theory]
    [InlineData("ada@example.com", "billing-support")]
    [InlineData("ada", "everyone")]
    [InlineData(null, "billing-support")]
    public void A_person_without_a_staff_name_or_a_mapped_role_is_refused(string? name, string role)
    {
        List<Claim> claims = [new Claim("roles", role)];
        if (name is not null)
        {
            claims.Add(new Claim("preferred_username", name));
        }

        var (caller, refusal) = ConsoleOpenIdConnect.CallerFrom(claims, Settings);

        Assert.Null(caller);
        Assert.NotNull(refusal);
        Assert.DoesNotContain("example.com", refusal, StringComparison.Ordinal);
    }
}
