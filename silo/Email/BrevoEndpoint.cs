using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;
using OrleansBilling.Silo.Payments;

namespace OrleansBilling.Silo.Email;

/// <summary>
/// Where the Brevo client sends: <c>Brevo:BaseUrl</c>; else, with the sandbox, this process's own
/// emulator, whose address is known only once the server listens (resolved on first use, like
/// <see cref="StripeClientSource"/>); else Brevo's API.
/// </summary>
public sealed class BrevoEndpoint(IOptions<BrevoOptions> options, SandboxMode sandbox, IServiceProvider services)
{
    private Uri? baseAddress;

    /// <summary>The API base, ending in <c>/v3/</c>.</summary>
    public Uri BaseAddress => baseAddress ??= Resolve();

    private Uri Resolve()
    {
        var configured = options.Value.BaseUrl is { Length: > 0 } url ? url
            : sandbox.Enabled ? StripeClientSource.OwnAddress(services.GetRequiredService<IServer>()) + SandboxMode.BrevoPath
            : BrevoOptions.DefaultBaseUrl;

        // Relative paths resolve against the last '/': without it "smtp/email" would replace "v3".
        return new Uri(configured.EndsWith('/') ? configured : configured + "/");
    }
}
