using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrleansBilling.Gateway.Hosting;

/// <summary>How a process stops on SIGTERM (<c>Billing:Shutdown</c>).</summary>
public sealed class ShutdownOptions
{
    public const string Section = "Billing:Shutdown";

    /// <summary>
    /// How long the process goes on serving after SIGTERM with its readiness failing, so that the load
    /// balancer (a Kubernetes Service's endpoints) stops sending it requests before it stops listening.
    /// Zero by default; the Kubernetes manifests set a few seconds.
    /// </summary>
    public TimeSpan DrainFor { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// The most the whole stop may take (the host's <c>ShutdownTimeout</c>): draining, in-flight requests,
    /// the silo handing its grains over and leaving the cluster. Keep the pod's
    /// <c>terminationGracePeriodSeconds</c> above it.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(120);
}

/// <summary>
/// The first thing a stop does: readiness fails at once (<see cref="Draining"/>), and the process goes on
/// serving for <see cref="ShutdownOptions.DrainFor"/>. Only then do the web server (which finishes requests
/// in flight and takes no new ones) and the silo (which hands its grains over and leaves the membership
/// table) stop. It runs in the hosted services' <c>StoppingAsync</c>, which the host calls before any of them stops.
/// </summary>
public sealed partial class GracefulShutdown(Microsoft.Extensions.Options.IOptions<ShutdownOptions> options, ILogger<GracefulShutdown> logger)
    : IHostedLifecycleService, IHealthCheck
{
    private volatile bool draining;

    public bool Draining => draining;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        draining = true;
        var drainFor = options.Value.DrainFor;
        LogDraining(drainFor);
        if (drainFor > TimeSpan.Zero)
        {
            // Real time: this is the platform's routing catching up, not the billing clock.
            await Task.Delay(drainFor, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(draining ? HealthCheckResult.Unhealthy("Stopping: no new requests, please.") : HealthCheckResult.Healthy());

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: readiness fails from now on; serving for {DrainFor} more before the server and the silo stop")]
    private partial void LogDraining(TimeSpan drainFor);
}
