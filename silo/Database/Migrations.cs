using OrleansBilling.Gateway.Hosting;

namespace OrleansBilling.Silo.Database;

/// <summary>The <c>migrate</c> command: apply the migrations to <c>ConnectionStrings:Billing</c> and exit.</summary>
public static class Migrations
{
    public static int RunCommand(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        using var host = builder.Build();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansBilling.Migrations");
        if (ClusterSettings.BillingConnectionString(builder.Configuration) is not { } connectionString)
        {
            Console.Error.WriteLine("migrate needs a database: set ConnectionStrings:Billing (e.g. ConnectionStrings__Billing=\"Host=...;Database=billing;Username=...\").");
            return 2;
        }

        try
        {
            DatabaseMigrator.Migrate(connectionString, logger);
            return 0;
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"Migration failed: {ex.Message}");
            return 1;
        }
    }
}
