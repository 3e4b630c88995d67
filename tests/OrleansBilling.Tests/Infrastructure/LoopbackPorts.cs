using System.Net;
using System.Net.Sockets;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>Free TCP ports on the loopback interface, for servers a test starts itself.</summary>
public static class LoopbackPorts
{
    /// <summary>Distinct ports that were free a moment ago (held together so they cannot repeat).</summary>
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners)
            {
                listener.Start();
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
                listener.Dispose();
            }
        }
    }
}
