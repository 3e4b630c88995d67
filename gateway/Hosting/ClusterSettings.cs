using Npgsql;
using Orleans.Configuration;

namespace OrleansBilling.Gateway.Hosting;

/// <summary>The cluster identity and database settings that silos and standalone gateways must agree on.</summary>
public static class ClusterSettings
{
    public const string ConnectionStringName = "Billing";
    public const string DefaultServiceId = "billing";
    public const string DefaultClusterId = "billing-local";

    /// <summary>The Orleans ADO.NET invariant for PostgreSQL; the providers load Npgsql by this name.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>The PostgreSQL connection string, or null for the in-memory local default.</summary>
    public static string? BillingConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } value ? value : null;

    /// <summary>The same database with the <c>orleans</c> schema first on the search path, where the Orleans tables live.</summary>
    public static string OrleansConnectionString(string billingConnectionString) =>
        new NpgsqlConnectionStringBuilder(Pooled(billingConnectionString)) { SearchPath = "orleans" }.ConnectionString;

    /// <summary>
    /// The connection string as the service's pools use it: a connection given back is not reset before its next use (Npgsql
    /// otherwise sends <c>DISCARD ALL</c>, or seven statements when it keeps prepared ones, with the next command: about
    /// eight resets a webhook, bench/README.md). Nothing here leaves session state behind: no <c>SET</c>, temporary table,
    /// <c>LISTEN</c> or cursor outlives its command, and the reporting projector's session lock is released in a
    /// <c>finally</c> (a connection that broke first takes the lock with it). An open transaction is still rolled back.
    /// </summary>
    public static string Pooled(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true }.ConnectionString;

    /// <summary><c>Orleans:ServiceId</c> and <c>Orleans:ClusterId</c>, defaulting to <c>billing</c> / <c>billing-local</c>.</summary>
    public static void Apply(ClusterOptions options, IConfiguration configuration)
    {
        options.ServiceId = configuration["Orleans:ServiceId"] is { Length: > 0 } serviceId ? serviceId : DefaultServiceId;
        options.ClusterId = configuration["Orleans:ClusterId"] is { Length: > 0 } clusterId ? clusterId : DefaultClusterId;
    }
}
