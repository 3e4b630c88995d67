using Microsoft.AspNetCore.Hosting.Server;
using OrleansBilling.GrainInterfaces.Events;
using OrleansBilling.Sandbox.Receiver;
using OrleansBilling.Silo.Payments;
using OrleansBilling.Silo.Products;

namespace OrleansBilling.Silo.Events;

/// <summary>
/// The local default's whole loop of events: once the service listens, each seeded product gets an endpoint (all types) at
/// this process's <c>/sandbox/receiver</c>, and the receiver trusts its secret. An endpoint left from an earlier run (on a
/// database) gets a new secret instead, since the old one was shown only once. On with the sandbox unless
/// <c>Billing:Events:SandboxReceiver</c> is false.
/// </summary>
public sealed partial class SandboxReceiverSeeder(
    IGrainFactory grains,
    IServer server,
    IHostApplicationLifetime lifetime,
    SeededProducts seeded,
    SandboxReceiver receiver,
    ILogger<SandboxReceiverSeeder> logger) : BackgroundService
{
    public const string Description = "Sandbox receiver";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The address is known only once the server listens; the products only once the seeder ran (before the server starts).
        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(started.SetResult);
        await started.Task.WaitAsync(stoppingToken);

        var url = StripeClientSource.OwnAddress(server) + "/sandbox/receiver";
        var settle = ProductSeeder.WhileClusterSettles(TimeProvider.System, logger);
        foreach (var productId in seeded.ProductIds.Distinct())
        {
            await settle.ExecuteAsync(async _ => await Ensure(productId, url), stoppingToken);
        }
    }

    private async Task Ensure(string productId, string url)
    {
        var endpoints = grains.GetGrain<IEventEndpointsGrain>(EventKeys.Endpoints(productId));
        var existing = (await endpoints.List()).FirstOrDefault(e => e.Description == Description && e.Url == url);
        var issued = existing is null
            ? await endpoints.Create(new EventEndpointRequest(url, null, Description, true), "sandbox")
            : await endpoints.RotateSecret(existing.Id, TimeSpan.Zero, "sandbox");
        if (issued.Value is { } secret)
        {
            receiver.Trust(secret.Secret);
            LogReceiverReady(productId, url);
        }
        else
        {
            LogReceiverRefused(productId, issued.Error!.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Events of {ProductId} go to the sandbox receiver at {Url}")]
    private partial void LogReceiverReady(string productId, string url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The sandbox receiver for {ProductId} could not be set up: {Reason}")]
    private partial void LogReceiverRefused(string productId, string reason);
}
