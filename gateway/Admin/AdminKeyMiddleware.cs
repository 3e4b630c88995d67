using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OrleansBilling.Gateway.Auth;

namespace OrleansBilling.Gateway.Admin;

/// <summary>
/// <c>Authorization: Bearer &lt;Billing:AdminKey&gt;</c> for endpoints marked <see cref="RequiresAdminKey"/>,
/// compared in constant time. Full admin identities arrive with the support UI.
/// </summary>
public sealed class AdminKeyMiddleware(RequestDelegate next, IOptionsMonitor<AdminOptions> options)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<RequiresAdminKey>() is null)
        {
            await next(http);
            return;
        }

        if (await BearerToken.RefusedForFailuresAsync(http))
        {
            return;
        }

        if (options.CurrentValue.AdminKey is not { Length: > 0 } expected
            || BearerToken.From(http.Request) is not { } presented
            || !CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected))))
        {
            await BearerToken.ChallengeAsync(http, "the admin key (Billing:AdminKey)");
            return;
        }

        await next(http);
    }
}
