using System.Net;
using OrleansBilling.Gateway.SupportConsole;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Http;

/// <summary>The Orleans Dashboard, mounted under the console: admins signed in see it; nobody else does.</summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class OrleansDashboardTests(ConsoleService service) : IClassFixture<ConsoleService>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private Uri Dashboard => new(service.BaseAddress, ConsoleAuth.DashboardPath + "/");

    [Fact]
    public async Task Anonymous_callers_are_sent_to_sign_in()
    {
        using var http = ConsoleHttp.Client();

        using var response = await ConsoleHttp.GetAsync(http, Dashboard, session: null, Cancellation);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/console/sign-in", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_support_agent_signed_in_is_refused()
    {
        using var http = ConsoleHttp.Client();
        var session = await ConsoleHttp.SignInAsync(http, service.BaseAddress, service.BaseAddress, ConsoleService.SupportPerson, ConsoleService.SupportPassword, Cancellation);

        using var response = await ConsoleHttp.GetAsync(http, Dashboard, session, Cancellation);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("/console/sign-in", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_signed_in_sees_the_dashboard()
    {
        using var http = ConsoleHttp.Client();
        var session = await ConsoleHttp.SignInAsync(http, service.BaseAddress, service.BaseAddress, ConsoleService.AdminPerson, ConsoleService.AdminPassword, Cancellation);

        using var response = await ConsoleHttp.GetAsync(http, Dashboard, session, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }
}
