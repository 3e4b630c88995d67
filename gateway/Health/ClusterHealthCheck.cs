using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Products;

namespace OrleansBilling.Gateway.Health;

/// <summary>A standalone gateway is ready while it can reach a silo: one cheap grain call proves it.</summary>
public sealed class ClusterHealthCheck(IGrainFactory grains) : IHealthCheck
{
    private static readonly string ProbeKey = BillingIds.ApiKeyKey("health-probe");

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await grains.GetGrain<IApiKeyGrain>(ProbeKey).GetProductId().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("No silo answers.", ex);
        }
    }
}
