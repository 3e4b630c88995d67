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
        new NpgsqlConnectionStringBuilder(billingConnectionString) { SearchPath = "orleans" }.ConnectionString;

    /// <summary><c>Orleans:ServiceId</c> and <c>Orleans:ClusterId</c>, defaulting to <c>billing</c> / <c>billing-local</c>.</summary>
    public static void Apply(ClusterOptions options, IConfiguration configuration)
    {
        options.ServiceId = configuration["Orleans:ServiceId"] is { Length: > 0 } serviceId ? serviceId : DefaultServiceId;
        options.ClusterId = configuration["Orleans:ClusterId"] is { Length: > 0 } clusterId ? clusterId : DefaultClusterId;
    }
}
