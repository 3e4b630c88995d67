using Microsoft.AspNetCore.Http;

namespace OrleansBilling.Sandbox.Pages;

/// <summary>303 See Other: after a successful form POST the browser GETs the success URL, as from Stripe's page.</summary>
internal sealed class SeeOtherResult(string location) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
        httpContext.Response.Headers.Location = location;
        return Task.CompletedTask;
    }
}
