namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// The silo process on PostgreSQL: storage, reminders, clustering and the read model all in the
/// given database, migrated by the host at start-up as in production. With <paramref name="stripeApiBase"/>
/// it calls that Stripe (a sandbox of its own that outlives this silo) through the real Stripe.net client;
/// <paramref name="configuration"/> adds settings (<c>--Key=value</c>), as a changed configuration between two starts would.
/// </summary>
public sealed class PostgresBillingService(string connectionString, string clusterId, string? stripeApiBase = null, IEnumerable<string>? configuration = null) : BillingService
{
    protected override bool RecordReadModel => false;

    protected override bool RecordPayments => stripeApiBase is null;

    protected override IEnumerable<string> Arguments() =>
    [
        $"--ConnectionStrings:Billing={connectionString}",
        $"--Orleans:ClusterId={clusterId}",
        "--Orleans:AdvertisedIP=127.0.0.1",
        "--Billing:Demo:Enabled=true",
        "--Billing:Sandbox:Enabled=true",
        .. stripeApiBase is null ? Array.Empty<string>() : [$"--Stripe:ApiBase={stripeApiBase}", "--Stripe:ApiKey=sk_test_external_sandbox"],
        .. configuration ?? [],
    ];
}
