using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using OrleansBilling.GrainInterfaces.Usage;
using OrleansBilling.Grains.Usage;
using OrleansBilling.Silo.Usage;

namespace OrleansBilling.Silo.Database;

/// <summary>The usage journal on PostgreSQL (<c>billing.usage_events</c>), with group commit.</summary>
/// <remarks>
/// <para>
/// Appends arrive as thousands of small calls a second from different grains, and every statement
/// and durable commit has a fixed cost (a round trip, a WAL flush) that rows written together share.
/// So callers only enqueue; a background writer (<see cref="PostgresUsageJournalOptions.Writers"/>
/// of them, each on its own connection) takes everything queued, up to
/// <see cref="PostgresUsageJournalOptions.MaxRowsPerRound"/> rows, writes it as one
/// <c>INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING</c> statement (one transaction), and
/// answers each caller with its own new records once that commit is durable.
/// If the round fails, every caller of it fails: none was acknowledged, and none of its rows was kept.
/// </para>
/// <para>
/// A caller cancelled while its append waits in the queue gets <see cref="OperationCanceledException"/>
/// and nothing of it is written. Once a writer has taken it, the caller waits for the round, which
/// is bounded by the command timeout: the statement cannot be undone for one caller, and only its
/// answer says which keys were new (a retry would call them old and they would go uncounted).
/// </para>
/// <para>
/// Disposing stops taking appends and waits until every queued one is written or failed.
/// </para>
/// </remarks>
public sealed class PostgresUsageJournal : IUsageJournal, IAsyncDisposable
{
    private const string InsertSql = """
        INSERT INTO billing.usage_events
            (product_id, customer_id, idempotency_key, meter_id, quantity, occurred_at, period_start, received_at)
        SELECT * FROM unnest(@products, @customers, @keys, @meters, @quantities, @occurred, @periods, @received)
        ON CONFLICT (product_id, customer_id, idempotency_key) DO NOTHING
        RETURNING product_id, customer_id, idempotency_key, seq
        """;

    // The "last" event of a group is the one with the latest occurred_at, then the later received_at,
    // then the greater key (the text columns compare byte by byte: COLLATE "C" in the table); the
    // lateral lookup finds it with one descent of the totals index instead of sorting the group.
    private const string TotalsSql = """
        SELECT t.period_start, t.meter_id, t.total, t.events, t.largest, l.quantity, t.last_at
        FROM (
            SELECT period_start, meter_id, sum(quantity) AS total, count(*) AS events,
                   max(quantity) AS largest, max(occurred_at) AS last_at
            FROM billing.usage_events
            WHERE product_id = @product AND customer_id = @customer AND period_start >= @since
            GROUP BY period_start, meter_id
        ) AS t
        CROSS JOIN LATERAL (
            SELECT e.quantity
            FROM billing.usage_events AS e
            WHERE e.product_id = @product AND e.customer_id = @customer
              AND e.period_start = t.period_start AND e.meter_id = t.meter_id AND e.occurred_at = t.last_at
            ORDER BY e.received_at DESC, e.idempotency_key DESC
            LIMIT 1
        ) AS l
        ORDER BY t.period_start, t.meter_id
        """;

    // A subscription's records are appended one call after another (its grain waits for each), so
    // their identity numbers grow in the order they were written, and what the provider has is a
    // prefix: one cursor row per subscription says how far, instead of a mark on every record.
    private const string UnsentSql = """
        SELECT idempotency_key, meter_id, quantity, occurred_at, period_start, received_at, seq
        FROM billing.usage_events
        WHERE product_id = @product AND customer_id = @customer
          AND seq > coalesce((SELECT sent_through FROM billing.usage_forwarded
                              WHERE product_id = @product AND customer_id = @customer), 0)
        ORDER BY seq
        LIMIT @limit
        """;

    private const string RecordedSql = """
        SELECT idempotency_key FROM billing.usage_events
        WHERE product_id = @product AND customer_id = @customer AND idempotency_key = ANY(@keys)
        """;

    private const string MarkSentSql = """
        INSERT INTO billing.usage_forwarded (product_id, customer_id, sent_through, sent_at)
        VALUES (@product, @customer, @through, @sentAt)
        ON CONFLICT (product_id, customer_id) DO UPDATE
        SET sent_through = excluded.sent_through, sent_at = excluded.sent_at
        WHERE billing.usage_forwarded.sent_through < excluded.sent_through
        """;

    private readonly NpgsqlDataSource dataSource;
    private readonly ILogger<PostgresUsageJournal> logger;
    private readonly int maxRowsPerRound;
    private readonly Channel<PendingAppend> queue;
    private readonly Task[] writers;
    private int disposed;

    public PostgresUsageJournal(NpgsqlDataSource dataSource, IOptions<PostgresUsageJournalOptions> options, ILogger<PostgresUsageJournal> logger)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var settings = options.Value;
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Writers, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.MaxRowsPerRound, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.QueueCapacity, 1, nameof(options));

        this.dataSource = dataSource;
        this.logger = logger;
        maxRowsPerRound = settings.MaxRowsPerRound;
        queue = Channel.CreateBounded<PendingAppend>(new BoundedChannelOptions(settings.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = settings.Writers == 1,
        });
        writers = [.. Enumerable.Range(0, settings.Writers).Select(_ => Task.Run(WriteRoundsAsync))];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<UsageRecord>> AppendAsync(string productId, string customerId, IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        var accepted = UsageAppend.FirstOfEachKey(productId, customerId, records);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (accepted.Count == 0)
        {
            return [];
        }

        var pending = new PendingAppend(productId, customerId, accepted, cancellationToken);
        try
        {
            await queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            pending.Withdraw();
            throw new ObjectDisposedException(GetType().FullName, "The usage journal is shut down and takes no more appends.");
        }
        catch (OperationCanceledException)
        {
            pending.Withdraw();
            throw;
        }

        return await pending.Completion.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<UsageTotals>> TotalsAsync(string productId, string customerId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(TotalsSql);
        command.Parameters.Add(Text("product", productId));
        command.Parameters.Add(Text("customer", customerId));
        command.Parameters.Add(new NpgsqlParameter<DateTime>("since", NpgsqlDbType.TimestampTz) { TypedValue = since.UtcDateTime });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var totals = new List<UsageTotals>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            totals.Add(new UsageTotals(
                reader.GetFieldValue<DateTimeOffset>(0),
                reader.GetString(1),
                Quantity(reader, 2),
                reader.GetInt64(3),
                Quantity(reader, 4),
                Quantity(reader, 5),
                reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return totals;
    }

    /// <inheritdoc />
    public async Task<IReadOnlySet<string>> RecordedAsync(string productId, string customerId, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(RecordedSql);
        command.Parameters.Add(Text("product", productId));
        command.Parameters.Add(Text("customer", customerId));
        command.Parameters.Add(new NpgsqlParameter<string[]>("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. keys] });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var recorded = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            recorded.Add(reader.GetString(0));
        }

        return recorded;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<UsageRecord>> UnsentAsync(string productId, string customerId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        await using var command = dataSource.CreateCommand(UnsentSql);
        command.Parameters.Add(Text("product", productId));
        command.Parameters.Add(Text("customer", customerId));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", NpgsqlDbType.Integer) { TypedValue = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var records = new List<UsageRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(new UsageRecord(
                reader.GetString(0),
                reader.GetString(1),
                Quantity(reader, 2),
                reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                reader.GetFieldValue<DateTimeOffset>(5),
                reader.GetInt64(6)));
        }

        return records;
    }

    /// <inheritdoc />
    public async Task MarkSentAsync(string productId, string customerId, long throughSequence, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(MarkSentSql);
        command.Parameters.Add(Text("product", productId));
        command.Parameters.Add(Text("customer", customerId));
        command.Parameters.Add(new NpgsqlParameter<long>("through", NpgsqlDbType.Bigint) { TypedValue = throughSequence });
        command.Parameters.Add(new NpgsqlParameter<DateTime>("sentAt", NpgsqlDbType.TimestampTz) { TypedValue = sentAt.UtcDateTime });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes no more appends and returns once every queued one is written or failed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            queue.Writer.TryComplete();
        }

        await Task.WhenAll(writers).ConfigureAwait(false);
    }

    private async Task WriteRoundsAsync()
    {
        var round = new List<PendingAppend>();
        await using var statement = new RoundStatement(dataSource);
        while (await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            round.Clear();
            var rows = 0;
            while (rows < maxRowsPerRound && queue.Reader.TryRead(out var pending))
            {
                if (pending.TryTake())
                {
                    round.Add(pending);
                    rows += pending.Records.Count;
                }
            }

            if (round.Count > 0)
            {
                await WriteRoundAsync(statement, round, rows).ConfigureAwait(false);
            }
        }
    }

    private async Task WriteRoundAsync(RoundStatement statement, List<PendingAppend> round, int rows)
    {
        try
        {
            await InsertAsync(statement, round, rows).ConfigureAwait(false);
            foreach (var pending in round)
            {
                pending.Complete();
            }
        }
        catch (Exception error)
        {
            // Anything at all: a caller must never wait for a round that is over.
            logger.LogWarning(error, "A usage journal round of {Appends} appends ({Rows} rows) failed; its callers were told and nothing of it was kept.", round.Count, rows);
            await statement.ResetAsync().ConfigureAwait(false);
            foreach (var pending in round)
            {
                pending.Fail(error);
            }
        }
    }

    // One statement for the whole round. A key that two callers of the round share is sent once, for
    // the caller queued first; that caller alone hears it as new, as if the other had come later.
    private static async Task InsertAsync(RoundStatement statement, List<PendingAppend> round, int rows)
    {
        var owners = new Dictionary<(string ProductId, string CustomerId, string Key), (PendingAppend Owner, UsageRecord Record)>(rows);
        var sent = new List<(PendingAppend Owner, UsageRecord Record)>(rows);
        foreach (var pending in round)
        {
            foreach (var record in pending.Records)
            {
                if (owners.TryAdd((pending.ProductId, pending.CustomerId, record.IdempotencyKey), (pending, record)))
                {
                    sent.Add((pending, record));
                }
            }
        }

        // Rows are sorted by primary key, so two rounds that share keys (two writers, or two silos)
        // take their index locks in the same order and cannot deadlock each other.
        sent.Sort(static (a, b) =>
        {
            var byProduct = string.CompareOrdinal(a.Owner.ProductId, b.Owner.ProductId);
            if (byProduct != 0)
            {
                return byProduct;
            }

            var byCustomer = string.CompareOrdinal(a.Owner.CustomerId, b.Owner.CustomerId);
            return byCustomer != 0 ? byCustomer : string.CompareOrdinal(a.Record.IdempotencyKey, b.Record.IdempotencyKey);
        });

        var command = await statement.PrepareAsync(sent).ConfigureAwait(false);

        // Collect first, hand out after: a caller hears about its records only once the whole
        // statement (and with it the commit) has succeeded.
        var inserted = new List<(PendingAppend Owner, UsageRecord Record)>(sent.Count);
        await using (var reader = await command.ExecuteReaderAsync().ConfigureAwait(false))
        {
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                var (owner, record) = owners[(reader.GetString(0), reader.GetString(1), reader.GetString(2))];
                inserted.Add((owner, UsageAppend.AsStored(record, reader.GetInt64(3))));
            }
        }

        foreach (var (owner, record) in inserted)
        {
            owner.Added.Add(record);
        }
    }

    /// <summary>A quantity or total as the application keeps it: the column's scale of six adds trailing zeros.</summary>
    private static decimal Quantity(NpgsqlDataReader reader, int ordinal) => UsageQuantities.Trimmed(reader.GetDecimal(ordinal));

    private static NpgsqlParameter<string> Text(string name, string value) => new(name, NpgsqlDbType.Text) { TypedValue = value };

    /// <summary>
    /// A writer's insert statement: its own connection, held across rounds and prepared once, so a
    /// round costs one round trip and no pool checkout or session reset. Reopened after a failure.
    /// </summary>
    private sealed class RoundStatement(NpgsqlDataSource dataSource) : IAsyncDisposable
    {
        private readonly NpgsqlParameter<string[]> products = new("products", NpgsqlDbType.Array | NpgsqlDbType.Text);
        private readonly NpgsqlParameter<string[]> customers = new("customers", NpgsqlDbType.Array | NpgsqlDbType.Text);
        private readonly NpgsqlParameter<string[]> keys = new("keys", NpgsqlDbType.Array | NpgsqlDbType.Text);
        private readonly NpgsqlParameter<string[]> meters = new("meters", NpgsqlDbType.Array | NpgsqlDbType.Text);
        private readonly NpgsqlParameter<decimal[]> quantities = new("quantities", NpgsqlDbType.Array | NpgsqlDbType.Numeric);
        private readonly NpgsqlParameter<DateTime[]> occurred = new("occurred", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz);
        private readonly NpgsqlParameter<DateTime[]> periods = new("periods", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz);
        private readonly NpgsqlParameter<DateTime[]> received = new("received", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz);
        private NpgsqlConnection? connection;
        private NpgsqlCommand? command;

        /// <summary>The statement with the round's rows bound, on an open connection.</summary>
        public async Task<NpgsqlCommand> PrepareAsync(List<(PendingAppend Owner, UsageRecord Record)> rows)
        {
            var count = rows.Count;
            products.TypedValue = new string[count];
            customers.TypedValue = new string[count];
            keys.TypedValue = new string[count];
            meters.TypedValue = new string[count];
            quantities.TypedValue = new decimal[count];
            occurred.TypedValue = new DateTime[count];
            periods.TypedValue = new DateTime[count];
            received.TypedValue = new DateTime[count];
            for (var i = 0; i < count; i++)
            {
                var (owner, record) = rows[i];
                products.TypedValue[i] = owner.ProductId;
                customers.TypedValue[i] = owner.CustomerId;
                keys.TypedValue[i] = record.IdempotencyKey;
                meters.TypedValue[i] = record.MeterId;
                quantities.TypedValue[i] = record.Quantity;
                occurred.TypedValue[i] = record.Timestamp.UtcDateTime;
                periods.TypedValue[i] = record.PeriodStart.UtcDateTime;
                received.TypedValue[i] = record.ReceivedAt.UtcDateTime;
            }

            if (command is null)
            {
                connection = await dataSource.OpenConnectionAsync().ConfigureAwait(false);
                command = new NpgsqlCommand(InsertSql, connection)
                {
                    Parameters = { products, customers, keys, meters, quantities, occurred, periods, received },
                };
                await command.PrepareAsync().ConfigureAwait(false);
            }

            return command;
        }

        /// <summary>Drops the connection after a failure: it may be broken, and the next round opens a fresh one.</summary>
        public async Task ResetAsync()
        {
            if (command is not null)
            {
                // Frees the parameters to join the next connection's command.
                command.Parameters.Clear();
                await command.DisposeAsync().ConfigureAwait(false);
                command = null;
            }

            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                connection = null;
            }
        }

        public async ValueTask DisposeAsync() => await ResetAsync().ConfigureAwait(false);
    }

    /// <summary>One caller's append on its way through the queue.</summary>
    private sealed class PendingAppend
    {
        private const int Queued = 0;
        private const int Taken = 1;
        private const int Abandoned = 2;

        private readonly TaskCompletionSource<IReadOnlyList<UsageRecord>> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenRegistration cancellation;
        private int state;

        public PendingAppend(string productId, string customerId, IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
        {
            ProductId = productId;
            CustomerId = customerId;
            Records = records;
            // Registered before the append is queued, so a writer never sees it without its registration.
            cancellation = cancellationToken.UnsafeRegister(static (state, token) => ((PendingAppend)state!).Abandon(token), this);
        }

        public string ProductId { get; }

        public string CustomerId { get; }

        public IReadOnlyList<UsageRecord> Records { get; }

        public List<UsageRecord> Added { get; } = [];

        public Task<IReadOnlyList<UsageRecord>> Completion => completion.Task;

        /// <summary>Claims the append for a round; false if its caller gave up first.</summary>
        public bool TryTake()
        {
            var taken = Interlocked.CompareExchange(ref state, Taken, Queued) == Queued;
            cancellation.Dispose();
            return taken;
        }

        /// <summary>The append never reached the queue.</summary>
        public void Withdraw() => cancellation.Dispose();

        /// <summary>Answers the caller with its new records in sequence order (RETURNING does not promise the order of the insert).</summary>
        public void Complete() => completion.TrySetResult(Added.Count > 1 ? [.. Added.OrderBy(r => r.Sequence)] : Added);

        public void Fail(Exception error) => completion.TrySetException(error);

        private void Abandon(CancellationToken token)
        {
            if (Interlocked.CompareExchange(ref state, Abandoned, Queued) == Queued)
            {
                completion.TrySetCanceled(token);
            }
        }
    }
}
