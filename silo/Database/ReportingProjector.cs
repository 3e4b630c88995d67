using System.Collections.Concurrent;
using System.Data;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using OrleansBilling.GrainInterfaces.Reporting;
using OrleansBilling.Grains.Reporting;

namespace OrleansBilling.Silo.Database;

/// <summary>
/// Keeps the reporting tables (<c>billing.report_movements</c>, <c>report_states</c>, <c>report_events</c>) up to date in
/// the background: every subscription whose row version moved past <c>reported_version</c> has its whole history read
/// and its facts computed again by the pure definitions (<see cref="ReportFacts"/>), in batches, one projector at a time
/// across the cluster (a session advisory lock). Ingestion never waits for it: it only marks the row, by moving its version.
/// A subscription whose new entries change neither its state nor its terms (a renewal, an invoice fact, an email) is only
/// marked: reports read nothing from them.
/// </summary>
public sealed partial class ReportingProjector(NpgsqlDataSource dataSource, IOptions<ReportingOptions> options, ILogger<ReportingProjector> logger) : BackgroundService
{
    /// <summary>Subscriptions computed in one transaction.</summary>
    public const int BatchSize = 500;

    /// <summary>
    /// How long the projector rests when it has caught up: reports may be this much late, and the events of a burst
    /// (a renewal brings five) are computed once.
    /// </summary>
    public static readonly TimeSpan Rest = TimeSpan.FromSeconds(5);

    private const long LockKey = 0x6269_6c6c_7270_7431; // one projector across the cluster

    // With each marked row: its last history entry, and whether any entry since the last computation is one reports
    // read (the same filter as HistorySql; both walk the history's primary key).
    private const string DirtySql = $"""
        SELECT s.subscription_key, s.version,
               (SELECT max(h.seq) FROM billing.subscription_history h WHERE h.subscription_key = s.subscription_key),
               EXISTS (SELECT 1 FROM billing.subscription_history h
                       WHERE h.subscription_key = s.subscription_key AND h.seq > coalesce(s.reported_seq, 0)
                         AND {PostgresReadModelWriter.ReportedRowSql})
        FROM billing.subscriptions s
        WHERE s.reported_version IS DISTINCT FROM s.version
          AND NOT EXISTS (SELECT 1 FROM unnest(@failedKeys, @failedVersions) AS f(key, version)
                          WHERE f.key = s.subscription_key AND f.version = s.version)
        ORDER BY s.subscription_key
        LIMIT @batch
        """;

    private const string HistorySql = $"""
        SELECT subscription_key, product_id, seq, occurred_at, from_state, to_state, name, actor,
               plan_after, unit_amount_after, currency_after, interval_after, quantity_after, discounts_after
        FROM billing.subscription_history
        WHERE subscription_key = ANY(@keys) AND {PostgresReadModelWriter.ReportedRowSql}
        ORDER BY subscription_key, seq
        """;

    private static readonly string[] ForgetSql =
    [
        "DELETE FROM billing.report_movements WHERE subscription_key = ANY(@keys)",
        "DELETE FROM billing.report_states WHERE subscription_key = ANY(@keys)",
        "DELETE FROM billing.report_events WHERE subscription_key = ANY(@keys)",
    ];

    private const string MovementsSql = """
        INSERT INTO billing.report_movements (subscription_key, day, product_id, currency, kind, amount_minor)
        SELECT * FROM unnest(@keys, @days, @products, @currencies, @kinds, @amounts)
        """;

    private const string StatesSql = """
        INSERT INTO billing.report_states (subscription_key, day, product_id, state_before, state_after)
        SELECT * FROM unnest(@keys, @days, @products, @befores, @afters)
        """;

    private const string EventsSql = """
        INSERT INTO billing.report_events (subscription_key, day, product_id, currency, event, amount_minor)
        SELECT * FROM unnest(@keys, @days, @products, @currencies, @events, @amounts)
        """;

    // A row whose version moved while it was computed stays marked, and is computed again.
    private const string MarkSql = """
        UPDATE billing.subscriptions AS s SET reported_version = v.version, reported_seq = v.seq
        FROM unnest(@keys, @versions, @seqs) AS v(key, version, seq)
        WHERE s.subscription_key = v.key AND s.version = v.version
        """;

    /// <summary>The definitions' fingerprint: computed with others, every subscription is computed again.</summary>
    public static string Fingerprint(ReportingOptions options) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(options))))[..16];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            int taken;
            try
            {
                taken = await ProjectOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogProjectionFailed(ex);
                taken = 0;
            }

            // A full batch means more may wait: go on at once.
            if (taken < BatchSize)
            {
                await Task.Delay(Rest, stoppingToken);
            }
        }
    }

    // Subscriptions this projector could not compute, at the version it tried: left out of the batches until their
    // version moves, so a few that cannot be read never hold up the others.
    private readonly ConcurrentDictionary<string, long> failed = new(StringComparer.Ordinal);

    /// <summary>What <see cref="ProjectOnceAsync"/> answers while another silo's projector holds the lock.</summary>
    public const int AnotherProjectorRuns = -1;

    /// <summary>
    /// Computes one batch of marked subscriptions: the number it took up (computed, or set aside as unreadable), 0 when
    /// caught up, or <see cref="AnotherProjectorRuns"/>.
    /// </summary>
    public async Task<int> ProjectOnceAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // Not cancelled half-way: a lock granted to a call that then throws would stay with the pooled connection.
        if (!await Scalar<bool>(connection, "SELECT pg_try_advisory_lock(@key)", CancellationToken.None))
        {
            return AnotherProjectorRuns;
        }

        try
        {
            // Read in one snapshot (the marked rows' versions and their history as of those versions), then write in
            // another transaction: a row published again meanwhile keeps its mark (its version moved) and is computed
            // next time, so ingestion's updates never make the projector's transaction fail.
            List<Marked> marked;
            int taken;
            var facts = new List<ReportFacts>();
            await EnsureDefinitionsAsync(connection, cancellationToken);
            await using (var reading = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken))
            {
                marked = await DirtyAsync(connection, reading, cancellationToken);
                taken = marked.Count;
                var changed = marked.Where(m => m.Changed).Select(m => m.Key).ToList();
                await foreach (var history in ReadHistoryAsync(connection, reading, changed, Fail, cancellationToken))
                {
                    try
                    {
                        facts.Add(ReportFacts.Of(history, options.Value));
                    }
                    catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException or InvalidOperationException)
                    {
                        Fail(history[0].SubscriptionKey, ex);
                    }
                }

                await reading.CommitAsync(cancellationToken);
            }

            if (marked.Count > 0)
            {
                await WriteAsync(connection, marked, facts, cancellationToken);
                foreach (var done in marked)
                {
                    failed.TryRemove(done.Key, out _);
                }
            }

            return taken;

            // One subscription that cannot be read or computed stays marked and is logged; the others go on.
            void Fail(string key, Exception ex)
            {
                if (marked.Find(m => m.Key == key) is { } one)
                {
                    marked.Remove(one);
                    failed[key] = one.Version;
                }

                LogSubscriptionFailed(ex, key);
            }
        }
        finally
        {
            await Scalar<bool>(connection, "SELECT pg_advisory_unlock(@key)", CancellationToken.None);
        }
    }

    /// <summary>
    /// Replaces the facts of the subscriptions computed again (those with a change reports read) and marks every one
    /// reported, as of the version and last entry it was read at.
    /// </summary>
    private static async Task WriteAsync(NpgsqlConnection connection, List<Marked> marked, List<ReportFacts> facts, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        var computed = marked.Where(m => m.Changed).Select(m => m.Key).ToArray();
        foreach (var forget in ForgetSql)
        {
            batch.BatchCommands.Add(Command(forget, ("keys", NpgsqlDbType.Text, computed)));
        }

        var movements = facts.SelectMany(f => f.Movements).ToList();
        batch.BatchCommands.Add(Command(
            MovementsSql,
            ("keys", NpgsqlDbType.Text, movements.Select(m => m.SubscriptionKey).ToArray()),
            ("days", NpgsqlDbType.Date, movements.Select(m => m.Day).ToArray()),
            ("products", NpgsqlDbType.Text, movements.Select(m => m.ProductId).ToArray()),
            ("currencies", NpgsqlDbType.Text, movements.Select(m => m.Currency).ToArray()),
            ("kinds", NpgsqlDbType.Text, movements.Select(m => m.Kind.ToString()).ToArray()),
            ("amounts", NpgsqlDbType.Bigint, movements.Select(m => m.AmountMinor).ToArray())));
        var states = facts.SelectMany(f => f.States).ToList();
        batch.BatchCommands.Add(Command(
            StatesSql,
            ("keys", NpgsqlDbType.Text, states.Select(s => s.SubscriptionKey).ToArray()),
            ("days", NpgsqlDbType.Date, states.Select(s => s.Day).ToArray()),
            ("products", NpgsqlDbType.Text, states.Select(s => s.ProductId).ToArray()),
            ("befores", NpgsqlDbType.Text, states.Select(s => s.Before?.ToString() ?? "").ToArray()),
            ("afters", NpgsqlDbType.Text, states.Select(s => s.After.ToString()).ToArray())));
        var events = facts.SelectMany(f => f.Events).ToList();
        batch.BatchCommands.Add(Command(
            EventsSql,
            ("keys", NpgsqlDbType.Text, events.Select(e => e.SubscriptionKey).ToArray()),
            ("days", NpgsqlDbType.Date, events.Select(e => e.Day).ToArray()),
            ("products", NpgsqlDbType.Text, events.Select(e => e.ProductId).ToArray()),
            ("currencies", NpgsqlDbType.Text, events.Select(e => e.Currency).ToArray()),
            ("events", NpgsqlDbType.Text, events.Select(e => e.Kind.ToString()).ToArray()),
            ("amounts", NpgsqlDbType.Bigint, events.Select(e => e.AmountMinor).ToArray())));
        batch.BatchCommands.Add(Command(
            MarkSql,
            ("keys", NpgsqlDbType.Text, marked.Select(m => m.Key).ToArray()),
            ("versions", NpgsqlDbType.Bigint, marked.Select(m => m.Version).ToArray()),
            ("seqs", NpgsqlDbType.Bigint, marked.Select(m => m.LastSeq).ToArray())));
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<T> Scalar<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("key", LockKey);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Computes until every subscription is up to date (tests, a rebuild), waiting while another projector runs.</summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        int taken;
        while ((taken = await ProjectOnceAsync(cancellationToken)) != 0)
        {
            if (taken == AnotherProjectorRuns)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
            }
        }
    }

    /// <summary>
    /// With definitions other than the tables were computed with, marks every subscription to be computed again: in
    /// short transactions of a few thousand rows (never one long update that ingestion would wait behind or that
    /// would fail against it), then records the new fingerprint.
    /// </summary>
    private async Task EnsureDefinitionsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var fingerprint = Fingerprint(options.Value);
        await using (var read = new NpgsqlCommand("SELECT fingerprint FROM billing.report_settings WHERE id = 1", connection))
        {
            if (await read.ExecuteScalarAsync(cancellationToken) as string == fingerprint)
            {
                return;
            }
        }

        await using (var reset = new NpgsqlCommand(
            """
            UPDATE billing.subscriptions SET reported_version = NULL, reported_seq = NULL
            WHERE subscription_key IN (SELECT subscription_key FROM billing.subscriptions WHERE reported_version IS NOT NULL OR reported_seq IS NOT NULL LIMIT 5000)
            """,
            connection))
        {
            while (await reset.ExecuteNonQueryAsync(cancellationToken) > 0)
            {
            }
        }

        await using var record = new NpgsqlCommand(
            "INSERT INTO billing.report_settings (id, fingerprint) VALUES (1, @fingerprint) ON CONFLICT (id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint",
            connection);
        record.Parameters.AddWithValue("fingerprint", fingerprint);
        await record.ExecuteNonQueryAsync(cancellationToken);
        LogDefinitionsChanged(fingerprint);
    }

    private async Task<List<Marked>> DirtyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(DirtySql, connection, transaction);
        command.Parameters.AddWithValue("batch", BatchSize);
        var failures = failed.ToArray();
        command.Parameters.Add(new NpgsqlParameter<string[]>("failedKeys", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. failures.Select(f => f.Key)] });
        command.Parameters.Add(new NpgsqlParameter<long[]>("failedVersions", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. failures.Select(f => f.Value)] });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var marked = new List<Marked>();
        while (await reader.ReadAsync(cancellationToken))
        {
            marked.Add(new Marked(reader.GetString(0), reader.GetInt64(1), reader.IsDBNull(2) ? 0 : reader.GetInt64(2), reader.GetBoolean(3)));
        }

        return marked;
    }

    /// <summary>A subscription to mark reported: its version and last entry as read, and whether reports read anything new.</summary>
    private sealed record Marked(string Key, long Version, long LastSeq, bool Changed);

    private static async IAsyncEnumerable<IReadOnlyList<ReportingEntry>> ReadHistoryAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, List<string> keys, Action<string, Exception> unreadable,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(HistorySql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string[]>("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. keys] });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await foreach (var history in PostgresReadModelWriter.ReportingHistoryOf(reader, cancellationToken, unreadable))
        {
            yield return history;
        }
    }

    private static NpgsqlBatchCommand Command(string sql, params (string Name, NpgsqlDbType Type, Array Values)[] columns)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, type, values) in columns)
        {
            command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | type) { Value = values });
        }

        return command;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The reporting projector failed a batch; it tries again")]
    private partial void LogProjectionFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "The reporting projector cannot compute {Subscription}; it stays marked and the others go on")]
    private partial void LogSubscriptionFailed(Exception exception, string subscription);

    [LoggerMessage(Level = LogLevel.Information, Message = "The reporting definitions changed ({Fingerprint}): every subscription is computed again")]
    private partial void LogDefinitionsChanged(string fingerprint);
}
