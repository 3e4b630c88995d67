using System.Diagnostics.Metrics;
using OrleansBilling.GrainInterfaces;

namespace OrleansBilling.Silo.Hosting;

/// <summary>
/// The cluster as this silo's membership view sees it: <c>billing.cluster.silos</c> by status (Active,
/// Joining, ShuttingDown…). The alert "a silo missing" compares the largest Active count any silo reports
/// with the replicas the Deployment asks for.
/// </summary>
public sealed class ClusterMetrics
{
    public ClusterMetrics(IMeterFactory meters, IClusterMembershipService membership)
    {
        var meter = meters.Create(BillingMeter.Name);
        meter.CreateObservableGauge(
            "billing.cluster.silos",
            () => membership.CurrentSnapshot.Members.Values
                .Where(m => m.Status != SiloStatus.Dead)
                .GroupBy(m => m.Status)
                .Select(g => new Measurement<long>(g.Count(), new KeyValuePair<string, object?>("status", g.Key.ToString()))),
            "{silo}",
            "Silos in the membership table that are not dead, by status, as this silo sees them.");
    }
}
