using System.Net;
using System.Net.Sockets;

namespace OrleansBilling.Grains.Events;

/// <summary>
/// Where the service may post events: an absolute HTTPS address of a public host. Loopback, private, link-local (cloud
/// metadata), shared and reserved addresses are refused, by name when added and by the address DNS gives when connecting,
/// so an endpoint cannot reach into the service's own network (server-side request forgery).
/// </summary>
public static class EndpointAddress
{
    public const int MaxLength = 2048;

    private static readonly string[] InternalSuffixes = [".localhost", ".local", ".internal", ".cluster.local", ".svc"];

    /// <summary>Why <paramref name="url"/> cannot be an endpoint; null when it can.</summary>
    public static string? Problem(string? url, EventDeliveryOptions options)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > MaxLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return $"An absolute URL of at most {MaxLength} characters.";
        }

        if (uri.Scheme != Uri.UriSchemeHttps && !(options.AllowHttp && uri.Scheme == Uri.UriSchemeHttp))
        {
            return options.AllowHttp ? "An http or https URL." : "An https URL.";
        }

        if (uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            return "A URL without user name, password or fragment.";
        }

        if (options.AllowPrivateAddresses)
        {
            return null;
        }

        var host = uri.IdnHost.TrimEnd('.');
        if (IPAddress.TryParse(host.Trim('[', ']'), out var address) ? !IsPublic(address)
            : host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || InternalSuffixes.Any(s => host.EndsWith(s, StringComparison.OrdinalIgnoreCase)) || !host.Contains('.'))
        {
            return "A public host: loopback, private, link-local and internal addresses are refused.";
        }

        return null;
    }

    /// <summary>Whether the service may connect to <paramref name="address"/>.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] is 0 or 10 or 127 or >= 224                       // this network, private, loopback, multicast and reserved
                || (b[0] == 100 && b[1] is >= 64 and <= 127)                // shared address space (carrier-grade NAT)
                || (b[0] == 169 && b[1] == 254)                             // link-local, cloud metadata
                || (b[0] == 172 && b[1] is >= 16 and <= 31)                 // private
                || (b[0] == 192 && b[1] == 168)                             // private
                || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2)             // protocol assignments, documentation
                || (b[0] == 198 && b[1] is 18 or 19)                        // benchmarking
                || (b[0] == 198 && b[1] == 51 && b[2] == 100)               // documentation
                || (b[0] == 203 && b[1] == 0 && b[2] == 113));              // documentation
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return !(IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6None)
                || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal
                || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)                    // documentation
                || (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b));                  // NAT64, which reaches IPv4 inside
        }

        return false;
    }

    /// <summary>
    /// Connects to the first public address of the host, for <see cref="SocketsHttpHandler.ConnectCallback"/>: the check is
    /// made on the address actually connected to, so a name that resolves to a private address (or is changed to) is refused.
    /// </summary>
    public static async ValueTask<Stream> ConnectPublicAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endpoint = context.DnsEndPoint;
        var addresses = IPAddress.TryParse(endpoint.Host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken);
        var allowed = addresses.Where(IsPublic).ToList();
        if (allowed.Count == 0)
        {
            throw new HttpRequestException($"Refused: {endpoint.Host} is not a public address.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed[0], endpoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
