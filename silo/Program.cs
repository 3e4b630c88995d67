using OrleansBilling.Silo;
using OrleansBilling.Silo.Database;

// `dotnet run --project silo -- migrate` applies the database migrations and exits.
if (args.FirstOrDefault() == "migrate")
{
    return Migrations.RunCommand(args[1..]);
}

await BillingHost.Build(args).RunAsync();
return 0;
