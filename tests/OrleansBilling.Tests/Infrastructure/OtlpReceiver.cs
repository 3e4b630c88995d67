using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// Stands where the cluster's OpenTelemetry Collector would (OTLP over gRPC, HTTP/2 without TLS, as
/// <c>http://otel-collector…:4317</c>): keeps every export request and answers it as the collector does
/// (an empty response message, <c>grpc-status: 0</c>).
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<(string Service, byte[] Body)> received = new();

    private OtlpReceiver(WebApplication app, Uri endpoint)
    {
        this.app = app;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    /// <summary>Export requests by gRPC service (<c>…TraceService</c>, <c>…LogsService</c>, <c>…MetricsService</c>), with their bodies.</summary>
    public IReadOnlyList<(string Service, byte[] Body)> Received => [.. received];

    /// <summary>Whether an export to a service whose name ends with <paramref name="service"/> carried <paramref name="text"/> (a resource attribute, a span name).</summary>
    public bool Saw(string service, string text) =>
        received.Any(r => r.Service.EndsWith(service, StringComparison.Ordinal) && Encoding.UTF8.GetString(r.Body).Contains(text, StringComparison.Ordinal));

    public static async Task<OtlpReceiver> StartAsync()
    {
        var port = LoopbackPorts.Take(1)[0];
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        var receiver = new OtlpReceiver(app, new Uri($"http://127.0.0.1:{port}"));
        app.MapPost("/{service}/Export", async (string service, HttpContext http) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            receiver.received.Enqueue((service, body.ToArray()));
            http.Response.ContentType = "application/grpc";
            http.Response.DeclareTrailer("grpc-status");
            await http.Response.Body.WriteAsync(new byte[5]);
            http.Response.AppendTrailer("grpc-status", "0");
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
