using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OrleansBilling.Sandbox.Webhooks;

/// <summary>Where events go: the configured URL, or this process's own webhook endpoint once it listens.</summary>
internal sealed class WebhookTarget(IOptions<SandboxOptions> options, IServiceProvider services)
{
    public const string DefaultPath = "/webhooks/stripe";

    public Uri Resolve()
    {
        if (options.Value.WebhookUrl is { } configured)
        {
            return configured;
        }

        var address = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The sandbox has no webhook URL: set SandboxOptions.WebhookUrl or let the host listen on an address.");
        var binding = BindingAddress.Parse(address);
        var host = binding.Host is "0.0.0.0" or "[::]" or "::" or "+" or "*" ? "127.0.0.1" : binding.Host;
        return new Uri($"{binding.Scheme}://{host}:{binding.Port}{binding.PathBase}{DefaultPath}");
    }
}
