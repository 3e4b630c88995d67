using OrleansBilling.Gateway.Problems;

namespace OrleansBilling.Gateway.Auth;

/// <summary>Reading <c>Authorization: Bearer …</c> and refusing without one, the same way for every key.</summary>
public static class BearerToken
{
    private const string Prefix = "Bearer ";
    private const int MaxHeaderLength = 512;

    /// <summary>The token of a well-formed bearer header, else null.</summary>
    public static string? From(HttpRequest request)
    {
        string? header = request.Headers.Authorization;
        return header is not null
            && header.Length > Prefix.Length
            && header.Length <= MaxHeaderLength
            && header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)
                ? header[Prefix.Length..].Trim()
                : null;
    }

    /// <summary>
    /// A client past its allowance of failed keys (<see cref="FailedAttempts"/>) is answered 429 before
    /// its key is checked, so a right guess and a wrong one sound the same. True when it was refused.
    /// </summary>
    public static async Task<bool> RefusedForFailuresAsync(HttpContext http)
    {
        var attempts = http.RequestServices.GetRequiredService<FailedAttempts>();
        if (!attempts.Exhausted(http, FailedAttempts.Surface.Keys))
        {
            return false;
        }

        await attempts.TooMany(http).ExecuteAsync(http);
        return true;
    }

    /// <summary>
    /// Answers 401 with a bearer challenge and a problem naming the key that is wanted; 429 once the
    /// client has failed too often (<see cref="FailedAttempts"/>).
    /// </summary>
    public static Task ChallengeAsync(HttpContext http, string wanted)
    {
        var attempts = http.RequestServices.GetRequiredService<FailedAttempts>();
        if (!attempts.Count(http, FailedAttempts.Surface.Keys))
        {
            return attempts.TooMany(http).ExecuteAsync(http);
        }

        http.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem(
            type: ProblemTypes.Unauthorized,
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Unauthorized",
            detail: $"Send {wanted} as 'Authorization: Bearer <key>'.").ExecuteAsync(http);
    }
}
