using Microsoft.Extensions.Options;

namespace OrleansBilling.Gateway.SupportConsole;

/// <summary>
/// The console only over HTTPS (its cookies are Secure), unless <see cref="ConsoleOptions.AllowHttp"/>: a plain-HTTP
/// request is told so, instead of failing deep in the antiforgery check. Behind a proxy that ends TLS, the proxy's
/// forwarded headers must be honoured for the request to count as HTTPS.
/// </summary>
public sealed class ConsoleHttpsOnly(RequestDelegate next, IOptionsMonitor<ConsoleOptions> options)
{
    public Task InvokeAsync(HttpContext http) =>
        http.Request.IsHttps || options.CurrentValue.AllowHttp
            ? next(http)
            : Results.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "The console needs HTTPS",
                detail: "The console is served over HTTPS only (its cookies are Secure). Behind a proxy that ends TLS, forward X-Forwarded-Proto.").ExecuteAsync(http);
}
