using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// A product's receiver of events over HTTP on loopback: keeps every request as it came (headers and exact body) and answers as
/// <see cref="Answer"/> says, so a test can make it fail, hang or answer 500 for a while. Deduplicated by <c>webhook-id</c>, as a
/// receiver should, it says which events it accepted and how often each arrived.
/// </summary>
public sealed class EventReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<ReceivedEvent> received = new();

    private EventReceiver(WebApplication app, string url)
    {
        this.app = app;
        Url = url;
    }

    /// <summary>Where the receiver listens (plain HTTP on loopback).</summary>
    public string Url { get; }

    /// <summary>What to answer to a request: a status, after whatever the function awaits (a hang). 204 by default.</summary>
    public Func<ReceivedEvent, CancellationToken, Task<int>> Answer { get; set; } = (_, _) => Task.FromResult(204);

    /// <summary>Every request, in arrival order, with what was answered (0 when the sender gave up waiting).</summary>
    public IReadOnlyList<ReceivedEvent> Requests => [.. received];

    /// <summary>The events accepted (answered 2xx), each once by id, in the order first accepted.</summary>
    public IReadOnlyList<ReceivedEvent> Accepted => [.. received.Where(r => r.Status is >= 200 and < 300).DistinctBy(r => r.Id)];

    /// <summary>Accepted events about <paramref name="customer"/>, in order.</summary>
    public IReadOnlyList<ReceivedEvent> AcceptedOf(string customer) => [.. Accepted.Where(r => r.Customer == customer)];

    public static async Task<EventReceiver> StartAsync()
    {
        var port = LoopbackPorts.Take(1)[0];
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var receiver = new EventReceiver(app, $"http://127.0.0.1:{port}/events");
        app.MapPost("/events", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = http.Request.Headers;
            var request = new ReceivedEvent(headers["webhook-id"].ToString(), headers["webhook-timestamp"].ToString(), headers["webhook-signature"].ToString(), body);
            try
            {
                request.Status = await receiver.Answer(request, http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The sender stopped waiting: nothing was accepted.
                receiver.received.Enqueue(request);
                return Results.Empty;
            }

            receiver.received.Enqueue(request);
            return Results.StatusCode(request.Status);
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

/// <summary>One request as it arrived: the Standard Webhooks headers and the exact body.</summary>
public sealed class ReceivedEvent(string id, string timestamp, string signature, string body)
{
    public string Id { get; } = id;

    public string Timestamp { get; } = timestamp;

    public string Signature { get; } = signature;

    public string Body { get; } = body;

    /// <summary>What the receiver answered.</summary>
    public int Status { get; set; }

    private JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string Type => Json.GetProperty("type").GetString()!;

    public string Customer => Json.GetProperty("customer").GetString()!;

    public long Version => Json.GetProperty("version").GetInt64();

    public JsonElement Data => Json.GetProperty("data");

    /// <summary>
    /// Whether one of its signatures is by <paramref name="secret"/> (and its timestamp recent), as the C# Standard Webhooks
    /// library checks it. That library (1.1.2) reads only the first signature of the header, where the specification lists
    /// several during a rotation; so each is given to it alone.
    /// </summary>
    public bool VerifiesWith(string secret) => Signature.Split(' ').Any(signature =>
    {
        try
        {
            new StandardWebhooks.StandardWebhook(secret).Verify(Body, new HeaderDictionary
            {
                ["webhook-id"] = Id,
                ["webhook-timestamp"] = Timestamp,
                ["webhook-signature"] = signature,
            });
            return true;
        }
        catch (StandardWebhooks.Diagnostics.WebhookVerificationException)
        {
            return false;
        }
    });

    public override string ToString() => $"{Id} {Type} {Customer} v{Version} → {Status}";
}
