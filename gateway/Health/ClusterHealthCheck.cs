using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansBilling.GrainInterfaces.Products;

namespace OrleansBilling.Gateway.Health;

/// <summary>A standalone gateway is ready while it can reach a silo: one cheap grain call proves it.</summary>
public sealed class ClusterHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // The key directory answers from memory, and every gateway asks it anyway.
            await grains.GetGrain<IApiKeyDirectoryGrain>(IApiKeyDirectoryGrain.Key).Snapshot(long.MaxValue).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("No silo answers.", ex);
        }
    }
}
