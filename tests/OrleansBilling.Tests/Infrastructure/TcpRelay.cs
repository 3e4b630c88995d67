using System.Net;
using System.Net.Sockets;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// A loopback TCP relay in front of a server, which a test can cut (every connection closed, new ones
/// refused: the server is unreachable) and restore on the same port. Lets one test take PostgreSQL away
/// from one service without stopping the server other tests share.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly IPEndPoint target;
    private readonly List<TcpClient> open = [];
    private readonly Lock gate = new();
    private TcpListener? listener;
    private bool cut;
    private CancellationTokenSource? accepting;

    public TcpRelay(IPEndPoint target)
    {
        this.target = target;
        Port = LoopbackPorts.Take(1)[0];
        Restore();
    }

    public int Port { get; }

    /// <summary>Listens again and relays new connections.</summary>
    public void Restore()
    {
        lock (gate)
        {
            listener = new TcpListener(IPAddress.Loopback, Port);
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            cut = false;
            accepting = new CancellationTokenSource();
            _ = AcceptAsync(listener, accepting.Token);
        }
    }

    /// <summary>Closes every relayed connection and stops listening: connecting is refused.</summary>
    public void Cut()
    {
        lock (gate)
        {
            cut = true;
            accepting?.Cancel();
            listener?.Stop();
            listener = null;
            foreach (var client in open)
            {
                client.Dispose();
            }

            open.Clear();
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }

    private async Task AcceptAsync(TcpListener server, CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await server.AcceptTcpClientAsync(cancellation);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var outbound = new TcpClient();
            try
            {
                await outbound.ConnectAsync(target, cancellation);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                inbound.Dispose();
                outbound.Dispose();
                continue;
            }

            lock (gate)
            {
                // Accepted just as the relay was cut: this one is cut too.
                if (cut)
                {
                    inbound.Dispose();
                    outbound.Dispose();
                    continue;
                }

                open.Add(inbound);
                open.Add(outbound);
            }

            _ = PumpAsync(inbound, outbound);
            _ = PumpAsync(outbound, inbound);
        }
    }

    private static async Task PumpAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream());
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException or InvalidOperationException)
        {
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }
}
