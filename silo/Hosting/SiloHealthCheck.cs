using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrleansBilling.Silo.Hosting;

/// <summary>Ready while this silo is <c>Active</c> in the cluster's membership (Orleans has no health check of its own).</summary>
public sealed class SiloHealthCheck(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"This silo is {status}, not Active."));
    }
}
