namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// The silo process on PostgreSQL: storage, reminders, clustering and the read model all in the
/// given database, migrated by the host at start-up as in production.
/// </summary>
public sealed class PostgresBillingService(string connectionString, string clusterId) : BillingService
{
    protected override bool RecordReadModel => false;

    protected override IEnumerable<string> Arguments() =>
    [
        $"--ConnectionStrings:Billing={connectionString}",
        $"--Orleans:ClusterId={clusterId}",
        "--Orleans:AdvertisedIP=127.0.0.1",
        "--Billing:Demo:Enabled=true",
        "--Billing:Sandbox:Enabled=true",
    ];
}
