// Measures the PostgreSQL usage journal: how many usage events a second it acknowledges durably
// when many callers append small batches at once (the journal as the silo uses it), and what one
// round costs written as one INSERT ... SELECT FROM unnest(...) or as a binary COPY into a
// temporary table followed by INSERT ... SELECT (the alternative the journal did not take).
//
//   journal <connection string> <callers> <min rows> <max rows> <writers> <seconds>
//   rounds  <connection string> <rows per round> <seconds>
//
// The database is migrated first. Every event has a unique key, so every row is new.
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using OrleansBilling.Grains.Usage;
using OrleansBilling.Silo.Database;

const int Customers = 10_000;
var warmUp = TimeSpan.FromSeconds(5);
var period = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: journal <cs> <callers> <min rows> <max rows> <writers> <seconds> | rounds <cs> <rows per round> <seconds>");
    return 2;
}

var connectionString = args[1];
DatabaseMigrator.Migrate(connectionString, NullLogger.Instance);
await using var dataSource = NpgsqlDataSource.Create(connectionString);

return args[0] switch
{
    "journal" => await MeasureJournalAsync(Int(2), Int(3), Int(4), Int(5), TimeSpan.FromSeconds(Int(6))),
    "rounds" => await MeasureRoundsAsync(Int(2), TimeSpan.FromSeconds(Int(3))),
    _ => 2,
};

int Int(int index) => int.Parse(args[index], CultureInfo.InvariantCulture);

async Task<int> MeasureJournalAsync(int callers, int minRows, int maxRows, int writers, TimeSpan duration)
{
    var journal = new PostgresUsageJournal(
        dataSource, Options.Create(new PostgresUsageJournalOptions { Writers = writers }), NullLogger<PostgresUsageJournal>.Instance);
    var phase = 0; // 0 warm-up, 1 measured, 2 stop
    var measuredRows = new long[callers];
    var acknowledged = new long[callers];
    var latencies = Enumerable.Range(0, callers).Select(_ => new List<double>()).ToArray();

    async Task CallerAsync(int caller)
    {
        var random = new Random(caller);
        var sequence = 0L;
        while (Volatile.Read(ref phase) < 2)
        {
            var customer = $"bench_{random.Next(Customers):00000}";
            var count = random.Next(minRows, maxRows + 1);
            var now = DateTimeOffset.UtcNow;
            var records = new UsageRecord[count];
            for (var i = 0; i < count; i++)
            {
                records[i] = new UsageRecord($"{caller}-{sequence++}", "api_calls", 1, now, period, now);
            }

            var measuring = Volatile.Read(ref phase) == 1;
            var started = Stopwatch.GetTimestamp();
            var added = await journal.AppendAsync("bench", customer, records, CancellationToken.None);
            if (added.Count != count)
            {
                throw new InvalidOperationException($"{count - added.Count} unique keys were answered as not new.");
            }

            acknowledged[caller] += count;
            if (measuring && Volatile.Read(ref phase) == 1)
            {
                measuredRows[caller] += count;
                latencies[caller].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
    }

    var tasks = Enumerable.Range(0, callers).Select(c => Task.Run(() => CallerAsync(c))).ToArray();
    await Task.Delay(warmUp);
    var cpuBefore = CpuTime.Now();
    var clock = Stopwatch.StartNew();
    Volatile.Write(ref phase, 1);
    await Task.Delay(duration);
    Volatile.Write(ref phase, 2);
    var elapsed = clock.Elapsed;
    var cpu = CpuTime.Now() - cpuBefore;
    await Task.WhenAll(tasks);
    await journal.DisposeAsync();

    var rows = measuredRows.Sum();
    var sorted = latencies.SelectMany(l => l).Order().ToArray();
    var stored = await ScalarAsync("SELECT count(*) FROM billing.usage_events");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"journal callers={callers} rows/append={minRows}-{maxRows} writers={writers}: {rows / elapsed.TotalSeconds:0} rows/s, " +
        $"{sorted.Length / elapsed.TotalSeconds:0} appends/s, latency p50 {Percentile(sorted, 0.50):0.00} ms p99 {Percentile(sorted, 0.99):0.00} ms; " +
        $"CPU per row: PostgreSQL {cpu.Postgres * 1e6 / rows:0.0} µs, bench {cpu.Bench * 1e6 / rows:0.0} µs; others took {cpu.Others / elapsed.TotalSeconds:0.00} cores; " +
        $"stored {stored} of {acknowledged.Sum()} acknowledged"));
    return stored == acknowledged.Sum() ? 0 : 1;
}

async Task<int> MeasureRoundsAsync(int rowsPerRound, TimeSpan duration)
{
    var next = 0L;
    foreach (var (name, write) in new (string, Func<NpgsqlConnection, RoundRows, Task<int>>)[] { ("unnest", UnnestAsync), ("copy", CopyAsync) })
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var rounds = 0;
        var rows = 0L;
        var cpuFrom = CpuTime.Now();
        var measureFrom = Stopwatch.StartNew();
        var clock = Stopwatch.StartNew();
        var warm = false;
        while (clock.Elapsed < duration + warmUp)
        {
            if (!warm && clock.Elapsed >= warmUp)
            {
                warm = true;
                rounds = 0;
                rows = 0;
                cpuFrom = CpuTime.Now();
                measureFrom.Restart();
            }

            var inserted = await write(connection, RoundRows.Create(rowsPerRound, ref next, period));
            if (inserted != rowsPerRound)
            {
                throw new InvalidOperationException($"{name}: {inserted} of {rowsPerRound} rows inserted.");
            }

            rounds++;
            rows += inserted;
        }

        var seconds = measureFrom.Elapsed.TotalSeconds;
        var cpu = CpuTime.Now() - cpuFrom;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rounds {name} rows/round={rowsPerRound}: {rows / seconds:0} rows/s, {seconds * 1000 / rounds:0.00} ms per round (one connection, one round at a time); " +
            $"CPU per row: PostgreSQL {cpu.Postgres * 1e6 / rows:0.0} µs, bench {cpu.Bench * 1e6 / rows:0.0} µs; others took {cpu.Others / seconds:0.00} cores"));
    }

    return 0;
}

static async Task<int> UnnestAsync(NpgsqlConnection connection, RoundRows round)
{
    await using var command = new NpgsqlCommand(
        """
        INSERT INTO billing.usage_events
            (product_id, customer_id, idempotency_key, meter_id, quantity, occurred_at, period_start, received_at)
        SELECT * FROM unnest(@p, @c, @k, @m, @q, @o, @s, @r)
        ON CONFLICT (product_id, customer_id, idempotency_key) DO NOTHING
        RETURNING product_id, customer_id, idempotency_key
        """, connection);
    command.Parameters.Add(new NpgsqlParameter<string[]>("p", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = round.Products });
    command.Parameters.Add(new NpgsqlParameter<string[]>("c", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = round.Customers });
    command.Parameters.Add(new NpgsqlParameter<string[]>("k", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = round.Keys });
    command.Parameters.Add(new NpgsqlParameter<string[]>("m", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = round.Meters });
    command.Parameters.Add(new NpgsqlParameter<decimal[]>("q", NpgsqlDbType.Array | NpgsqlDbType.Numeric) { TypedValue = round.Quantities });
    command.Parameters.Add(new NpgsqlParameter<DateTime[]>("o", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = round.Times });
    command.Parameters.Add(new NpgsqlParameter<DateTime[]>("s", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = round.Periods });
    command.Parameters.Add(new NpgsqlParameter<DateTime[]>("r", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = round.Times });
    await command.PrepareAsync();
    return await CountRowsAsync(command);
}

static async Task<int> CopyAsync(NpgsqlConnection connection, RoundRows round)
{
    await using var transaction = await connection.BeginTransactionAsync();
    await using (var create = new NpgsqlCommand(
        "CREATE TEMP TABLE IF NOT EXISTS usage_round (LIKE billing.usage_events) ON COMMIT DELETE ROWS", connection, transaction))
    {
        await create.ExecuteNonQueryAsync();
    }

    await using (var copy = await connection.BeginBinaryImportAsync(
        "COPY usage_round (product_id, customer_id, idempotency_key, meter_id, quantity, occurred_at, period_start, received_at) FROM STDIN (FORMAT BINARY)"))
    {
        for (var i = 0; i < round.Keys.Length; i++)
        {
            await copy.StartRowAsync();
            await copy.WriteAsync(round.Products[i], NpgsqlDbType.Text);
            await copy.WriteAsync(round.Customers[i], NpgsqlDbType.Text);
            await copy.WriteAsync(round.Keys[i], NpgsqlDbType.Text);
            await copy.WriteAsync(round.Meters[i], NpgsqlDbType.Text);
            await copy.WriteAsync(round.Quantities[i], NpgsqlDbType.Numeric);
            await copy.WriteAsync(round.Times[i], NpgsqlDbType.TimestampTz);
            await copy.WriteAsync(round.Periods[i], NpgsqlDbType.TimestampTz);
            await copy.WriteAsync(round.Times[i], NpgsqlDbType.TimestampTz);
        }

        await copy.CompleteAsync();
    }

    await using var insert = new NpgsqlCommand(
        """
        INSERT INTO billing.usage_events
            (product_id, customer_id, idempotency_key, meter_id, quantity, occurred_at, period_start, received_at)
        SELECT product_id, customer_id, idempotency_key, meter_id, quantity, occurred_at, period_start, received_at FROM usage_round
        ON CONFLICT (product_id, customer_id, idempotency_key) DO NOTHING
        RETURNING product_id, customer_id, idempotency_key
        """, connection, transaction);
    var inserted = await CountRowsAsync(insert);
    await transaction.CommitAsync();
    return inserted;
}

// Reads the returned keys as the journal does, so both ways pay for them.
static async Task<int> CountRowsAsync(NpgsqlCommand command)
{
    var count = 0;
    await using var reader = await command.ExecuteReaderAsync();
    while (await reader.ReadAsync())
    {
        _ = reader.GetString(0) + reader.GetString(1) + reader.GetString(2);
        count++;
    }

    return count;
}

static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

async Task<long> ScalarAsync(string sql)
{
    await using var command = dataSource.CreateCommand(sql);
    return (long)(await command.ExecuteScalarAsync())!;
}

/// <summary>One round's rows as column arrays, keys unique across the run, spread over many customers.</summary>
internal sealed record RoundRows(string[] Products, string[] Customers, string[] Keys, string[] Meters, decimal[] Quantities, DateTime[] Times, DateTime[] Periods)
{
    // Keys stay unique when several runs share a database.
    private static readonly string Run = Guid.NewGuid().ToString("N")[..8];

    public static RoundRows Create(int rows, ref long next, DateTimeOffset period)
    {
        var now = DateTime.UtcNow;
        var round = new RoundRows(new string[rows], new string[rows], new string[rows], new string[rows], new decimal[rows], new DateTime[rows], new DateTime[rows]);
        for (var i = 0; i < rows; i++)
        {
            var n = next++;
            round.Products[i] = "bench";
            round.Customers[i] = $"bench_{n % 10_000:00000}";
            round.Keys[i] = $"{Run}-{n}";
            round.Meters[i] = "api_calls";
            round.Quantities[i] = 1;
            round.Times[i] = now;
            round.Periods[i] = period.UtcDateTime;
        }

        return round;
    }
}
