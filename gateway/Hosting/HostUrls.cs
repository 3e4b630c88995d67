namespace OrleansBilling.Gateway.Hosting;

/// <summary>Where HTTP listens: what configuration says (<c>urls</c>, or the ports of <c>ASPNETCORE_HTTP_PORTS</c> / <c>HTTPS_PORTS</c>, as container images set them), else the local default.</summary>
public static class HostUrls
{
    public static void ApplyDefault(WebApplicationBuilder builder, string defaultUrl)
    {
        var configuration = builder.Configuration;
        if (string.IsNullOrEmpty(configuration["urls"]) && string.IsNullOrEmpty(configuration["http_ports"]) && string.IsNullOrEmpty(configuration["https_ports"]))
        {
            builder.WebHost.UseUrls(defaultUrl);
        }
    }
}
