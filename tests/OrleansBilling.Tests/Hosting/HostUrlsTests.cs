using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using OrleansBilling.Gateway.Hosting;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Hosting;

/// <summary>
/// Where the silo and the gateway listen: the ports a container image and the manifests give
/// (<c>ASPNETCORE_HTTP_PORTS</c>), or <c>urls</c>, and the local default only when neither is set. A default
/// that won over the image's ports would leave a pod listening on localhost, its probes refused.
/// </summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class HostUrlsTests
{
    [Theory]
    [InlineData(new string[0], "http://localhost:5080")]
    [InlineData(new[] { "--http_ports=8080" }, null)]
    [InlineData(new[] { "--https_ports=8443" }, null)]
    [InlineData(new[] { "--urls=http://0.0.0.0:9000" }, "http://0.0.0.0:9000")]
    public void The_local_default_applies_only_when_no_address_or_port_is_configured(string[] args, string? urls)
    {
        var builder = WebApplication.CreateBuilder(args);

        HostUrls.ApplyDefault(builder, "http://localhost:5080");

        Assert.Equal(urls, builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey) is { Length: > 0 } set ? set : null);
    }
}
