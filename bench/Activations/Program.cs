using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Silo;

// What a customer's activations cost in memory (issue 16): K known customers (each with an Active subscription on the
// demo product, whose plan has meters, so its entitlements read the usage grain too) and N never-seen customers are
// asked for their entitlements, as a product asks; the managed heap after a full compacting collection is compared
// before and after each, and again after Orleans' activation collector took every idle activation. The silo runs in
// this process on PostgreSQL, with the sandbox, as in bench/state-writes.sh.
// Usage: dotnet OrleansBilling.Bench.Activations.dll <connection string> [known, default 20000] [unknown, default 100000]
var connectionString = args[0];
var known = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000;
var unknown = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100_000;
const int Parallel = 32;

await using var app = BillingHost.Build(
[
    "--urls=http://127.0.0.1:0",
    $"--ConnectionStrings:Billing={connectionString}",
    "--Billing:Sandbox:Enabled=true",
    "--Billing:Demo:Enabled=true",
    "--Billing:Events:SandboxReceiver=false",
    "--Orleans:AdvertisedIP=127.0.0.1",
    $"--Orleans:ClusterId=bench-{Guid.NewGuid():N}",
    "--Logging:LogLevel:Default=Warning",
]);
await app.StartAsync();
var grains = app.Services.GetRequiredService<IGrainFactory>();
var management = grains.GetGrain<IManagementGrain>(0);
var now = DateTimeOffset.UtcNow;

ISubscriptionGrain Customer(string id) => grains.GetGrain<ISubscriptionGrain>(BillingIds.SubscriptionKey("demo", id));

async Task ForEach(int count, Func<int, Task> each) =>
    await System.Threading.Tasks.Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = Parallel }, async (i, _) => await each(i));

async Task MakeKnown(string prefix, int count) => await ForEach(count, async i =>
{
    var grain = Customer($"{prefix}{i}");
    var checkout = await grain.StartCheckout(new CheckoutRequest("basic", "https://app.test/ok", "https://app.test/no", null), CommandContext.Api);
    if (!checkout.Succeeded)
    {
        throw new InvalidOperationException(checkout.Error!.Message);
    }

    var activated = await grain.ApplyProviderEvent(new ProviderEvent(
        $"evt_{prefix}{i}", ProviderEventKind.SubscriptionActivated, now, ProviderSubscriptionId: $"sub_{prefix}{i}", PlanId: "basic",
        PeriodStart: now, PeriodEnd: now.AddMonths(1)));
    if (activated.Kind != EventOutcomeKind.Applied)
    {
        throw new InvalidOperationException($"{prefix}{i}: {activated.Kind} {activated.Reason}");
    }
});

async Task Ask(string prefix, int count) => await ForEach(count, async i => await Customer($"{prefix}{i}").GetEntitlements());

// Every idle activation collected, then the heap after a full compacting collection, and the activations left.
async Task<(long Heap, int Activations)> Settle(bool collectActivations)
{
    if (collectActivations)
    {
        await Task.Delay(TimeSpan.FromSeconds(2));
        await management.ForceActivationCollection(TimeSpan.FromSeconds(1));
        var last = -1;
        for (var count = await management.GetTotalActivationCount(); count != last; count = await management.GetTotalActivationCount())
        {
            last = count;
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    GC.WaitForPendingFinalizers();
    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    return (GC.GetTotalMemory(forceFullCollection: true), await management.GetTotalActivationCount());
}

var watch = Stopwatch.StartNew();
await MakeKnown("bench_mem_warm_", 500);
await Ask("bench_mem_new_warm_", 2000);
await MakeKnown("bench_mem_known_", known);
Console.Error.WriteLine($"{known} known customers made in {watch.Elapsed.TotalSeconds:0} s");

var rows = new List<string>();
void Row(string what, int customers, (long Heap, int Activations) before, (long Heap, int Activations) after)
{
    var bytes = (double)(after.Heap - before.Heap);
    rows.Add(string.Create(CultureInfo.InvariantCulture,
        $"| {what} | {customers:N0} | {after.Activations - before.Activations:N0} | {bytes / 1048576:0.0} MB | {bytes / customers / 1024:0.0} KB | {bytes / customers * 100_000 / 1048576:0} MB | {bytes / customers * 1_000_000 / 1073741824:0.0} GB |"));
}

var idle = await Settle(collectActivations: true);
await Ask("bench_mem_known_", known);
var knownActive = await Settle(collectActivations: false);
Row("known customer (Active, basic plan with meters): entitlements asked", known, idle, knownActive);
var collected = await Settle(collectActivations: true);

await Ask("bench_mem_new_", unknown);
var unknownActive = await Settle(collectActivations: false);
Row("never-seen customer: entitlements asked", unknown, collected, unknownActive);

await using var connection = new NpgsqlConnection(connectionString);
await connection.OpenAsync();
await using var sizes = new NpgsqlCommand(
    "SELECT GrainTypeString, count(*), avg(octet_length(PayloadBinary))::int FROM orleans.OrleansStorage WHERE GrainIdExtensionString LIKE 'demo/bench_mem_known_%' GROUP BY 1 ORDER BY 1", connection);
var stored = new List<string>();
await using (var reader = await sizes.ExecuteReaderAsync())
{
    while (await reader.ReadAsync())
    {
        stored.Add(string.Create(CultureInfo.InvariantCulture, $"{reader.GetString(0)} {reader.GetInt64(1):N0} rows, {reader.GetInt32(2):N0} bytes each"));
    }
}

Console.WriteLine("| what | customers | activations added | managed heap added | per customer | per 100k customers | per 1M customers |");
Console.WriteLine("|---|---|---|---|---|---|---|");
rows.ForEach(Console.WriteLine);
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Heap of the silo (with the sandbox's state) before the known customers were asked: {idle.Heap / 1048576.0:0.0} MB with {idle.Activations:N0} activations; after they were asked and the collector ran: {collected.Heap / 1048576.0:0.0} MB with {collected.Activations:N0}; process working set at the end: {Environment.WorkingSet / 1048576.0:0} MB."));
Console.WriteLine($"Stored state of a known customer: {string.Join("; ", stored)}.");
Console.Out.Flush();
await app.StopAsync();
