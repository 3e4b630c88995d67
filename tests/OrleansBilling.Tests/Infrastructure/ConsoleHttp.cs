using System.Net;
using System.Text.RegularExpressions;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// The console's sign-in form over plain HTTP, as a browser posts it: the page (and its antiforgery cookie)
/// from one address, the form posted to another (the same, or another replica). Cookies are kept by hand,
/// being Secure outside the local default; the client is meant not to follow redirects.
/// </summary>
public static partial class ConsoleHttp
{
    /// <summary>A client without cookies or redirects, telling the service the request came over HTTPS (as an ingress that ends TLS does).</summary>
    public static HttpClient Client()
    {
        var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false });
        http.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        return http;
    }

    /// <summary>Signs in; the session cookie as a request's Cookie header, or fails naming what the service answered.</summary>
    public static async Task<string> SignInAsync(HttpClient http, Uri pageFrom, Uri postTo, string person, string password, CancellationToken cancellationToken)
    {
        using var page = await http.GetAsync(new Uri(pageFrom, "/console/sign-in"), cancellationToken);
        var token = AntiforgeryToken().Match(await page.Content.ReadAsStringAsync(cancellationToken)).Groups[1].Value;
        if (page.StatusCode != HttpStatusCode.OK || token.Length == 0)
        {
            throw new InvalidOperationException($"The sign-in page answered {page.StatusCode} without a form.");
        }

        using var signIn = new HttpRequestMessage(HttpMethod.Post, new Uri(postTo, "/console/sign-in"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["person"] = person, ["password"] = password, ["returnUrl"] = "/console", ["__RequestVerificationToken"] = token,
            }),
        };
        signIn.Headers.Add("Cookie", CookiesOf(page));
        using var signedIn = await http.SendAsync(signIn, cancellationToken);
        var session = CookiesOf(signedIn);
        return signedIn.StatusCode == HttpStatusCode.Redirect && session.Contains(OrleansBilling.Gateway.SupportConsole.ConsoleAuth.CookieName + "=", StringComparison.Ordinal)
            ? session
            : throw new InvalidOperationException($"Signing in answered {signedIn.StatusCode}: {await signedIn.Content.ReadAsStringAsync(cancellationToken)}");
    }

    /// <summary>A GET with the session cookie.</summary>
    public static async Task<HttpResponseMessage> GetAsync(HttpClient http, Uri address, string? session, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, address);
        if (session is not null)
        {
            request.Headers.Add("Cookie", session);
        }

        return await http.SendAsync(request, cancellationToken);
    }

    /// <summary>The cookies a response sets, as a request's Cookie header.</summary>
    private static string CookiesOf(HttpResponseMessage response) =>
        string.Join("; ", response.Headers.TryGetValues("Set-Cookie", out var set) ? set.Select(c => c.Split(';')[0]) : []);

    [GeneratedRegex(@"name=""__RequestVerificationToken"" type=""hidden"" value=""([^""]+)""")]
    private static partial Regex AntiforgeryToken();
}
