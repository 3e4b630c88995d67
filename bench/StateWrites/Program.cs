using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Silo;

// What a subscription grain's writes cost as a function of the idempotency replies it keeps: one
// customer gets R keyed commands (each leaves a reply kept 24 h), then N provider facts are applied
// one after another (each a decision persisted, then its read-model publish marked done). Reports
// the stored size of the grain's rows and the facts applied per second, on PostgreSQL.
// Usage: dotnet OrleansBilling.Bench.StateWrites.dll <connection string> <replies...>
var connectionString = args[0];
var replyCounts = args.Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray();
const int Facts = 1000;

await using var app = BillingHost.Build(
[
    "--urls=http://127.0.0.1:0",
    $"--ConnectionStrings:Billing={connectionString}",
    "--Billing:Sandbox:Enabled=true",
    "--Billing:Demo:Enabled=true",
    "--Orleans:AdvertisedIP=127.0.0.1",
    $"--Orleans:ClusterId=bench-{Guid.NewGuid():N}",
    "--Logging:LogLevel:Default=Warning",
]);
await app.StartAsync();
var grains = app.Services.GetRequiredService<IGrainFactory>();

Console.WriteLine($"{"replies",8} {"subscription row",17} {"replies row",12} {"facts/s",9} {"ms/fact",8}");

// The first customer warms the silo, the database and the JIT up; its row is not reported.
foreach (var (replies, report) in replyCounts.Take(1).Select(r => (r, false)).Concat(replyCounts.Select(r => (r, true))))
{
    var customer = $"bench_{replies}_{Guid.NewGuid():N}"[..30];
    var grain = grains.GetGrain<ISubscriptionGrain>(BillingIds.SubscriptionKey("demo", customer));
    var checkout = await grain.StartCheckout(new CheckoutRequest("basic", "https://app.test/ok", "https://app.test/no", "ada@example.com"), CommandContext.Api);
    if (!checkout.Succeeded)
    {
        throw new InvalidOperationException(checkout.Error!.Message);
    }

    for (var i = 0; i < replies; i++)
    {
        // Refused (nothing to resume), and remembered for its key as any answer is.
        await grain.Resume(new CommandContext($"key-{i}", "fingerprint"));
    }

    var watch = Stopwatch.StartNew();
    for (var i = 0; i < Facts; i++)
    {
        await grain.ApplyProviderEvent(new ProviderEvent(
            $"evt_{customer}_{i}", ProviderEventKind.Fact, DateTimeOffset.UtcNow, Fact: HistoryFact.InvoiceFinalized, Detail: $"invoice=in_{i}"));
    }

    watch.Stop();
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    if (!report)
    {
        continue;
    }

    await using var size = new NpgsqlCommand(
        "SELECT graintypestring, length(payloadbinary) FROM orleans.orleansstorage WHERE grainidextensionstring = @key AND graintypestring LIKE 'subscription%'",
        connection);
    size.Parameters.AddWithValue("key", BillingIds.SubscriptionKey("demo", customer));
    var rows = new Dictionary<string, int>();
    await using (var reader = await size.ExecuteReaderAsync())
    {
        while (await reader.ReadAsync())
        {
            rows[reader.GetString(0)] = reader.GetInt32(1);
        }
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{replies,8} {rows.GetValueOrDefault("subscription"),17} {rows.GetValueOrDefault("subscription-replies"),12} {Facts / watch.Elapsed.TotalSeconds,9:0} {watch.Elapsed.TotalMilliseconds / Facts,8:0.00}"));
}

await app.StopAsync();
