using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansBilling.Gateway.Hosting;
using OrleansBilling.Silo.Database;

namespace OrleansBilling.Silo.Hosting;

/// <summary>Started only once the database holds every migration this build knows (asked until it does, then remembered).</summary>
public sealed class MigrationsHealthCheck(IConfiguration configuration) : IHealthCheck
{
    private volatile bool migrated;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (migrated)
        {
            return HealthCheckResult.Healthy();
        }

        try
        {
            var pending = await Task.Run(() => DatabaseMigrator.Pending(ClusterSettings.BillingConnectionString(configuration)!), cancellationToken);
            migrated = pending.Count == 0;
            return migrated ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) not applied, the first {pending[0]}.");
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL does not answer.", ex);
        }
    }
}
