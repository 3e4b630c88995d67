using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using OrleansBilling.Gateway.Hosting;
using OrleansBilling.GrainInterfaces.Events;
using OrleansBilling.Grains.Events;

namespace OrleansBilling.Silo.Database;

/// <summary>
/// The outbox of events to products in PostgreSQL (migration 0016): an append stores new events and fans them out to the
/// product's endpoints in one statement, so an event is never stored without the deliveries that were due for it.
/// </summary>
/// <param name="dataSource">Reads, and the endpoints' changes.</param>
/// <param name="bookkeeping">
/// Appends, attempts, replays and the delivery grains' reads; in production a source whose commits do not wait for the disk
/// (<see cref="WithoutCommitWait"/>), so events add no disk wait to the change that makes them. Safe: an append is made by an
/// effect that stays in its grain's outbox until a later write (which waits, and so takes the append's commit to disk with
/// it) removes it; a lost attempt record only sends an event again, with its id.
/// </param>
public sealed class PostgresProductEventStore(NpgsqlDataSource dataSource, NpgsqlDataSource? bookkeeping = null) : IProductEventStore
{
    /// <summary>The service key of the bookkeeping data source.</summary>
    public const string Bookkeeping = "product-events";

    private readonly NpgsqlDataSource relaxed = bookkeeping ?? dataSource;

    /// <summary>
    /// The connection string's sessions with commits that do not wait for the disk (<c>synchronous_commit=off</c>), and the
    /// delivery grains' few statements prepared once per connection (Npgsql's automatic preparation), not planned per call.
    /// </summary>
    public static string WithoutCommitWait(string connectionString) =>
        new NpgsqlConnectionStringBuilder(ClusterSettings.Pooled(connectionString)) { Options = "-c synchronous_commit=off", MaxAutoPrepare = 16, AutoPrepareMinUsages = 2 }.ConnectionString;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string AppendSql = """
        WITH added AS (
            INSERT INTO billing.product_events (event_id, product_id, customer_id, event_type, version, occurred_at, payload)
            SELECT id, product, customer, type, version, at, payload
            FROM unnest(@ids, @products, @customers, @types, @versions, @ats, @payloads) WITH ORDINALITY AS e(id, product, customer, type, version, at, payload, n)
            ORDER BY n
            ON CONFLICT (event_id) DO NOTHING
            RETURNING seq, product_id, customer_id, event_type
        ), fanned AS (
            INSERT INTO billing.event_deliveries (product_id, endpoint_id, event_seq, customer_id, status, window_start, next_attempt_at)
            SELECT a.product_id, ep.endpoint_id, a.seq, a.customer_id, 'Pending', @now, @now
            FROM added a JOIN billing.event_endpoints ep ON ep.product_id = a.product_id AND ep.enabled AND a.event_type = ANY (ep.event_types)
            RETURNING endpoint_id
        )
        SELECT DISTINCT endpoint_id FROM fanned
        """;

    private const string EndpointColumns = """
        product_id, endpoint_id, url, event_types, description, enabled, secrets, created_at, created_by, updated_at, disabled_at, disabled_reason, last_delivered_at
        """;

    private const string SaveSql = """
        INSERT INTO billing.event_endpoints (product_id, endpoint_id, url, event_types, description, enabled, secrets, created_at, created_by, updated_at, disabled_at, disabled_reason)
        VALUES (@product, @endpoint, @url, @types, @description, @enabled, @secrets, @created_at, @created_by, @updated_at, @disabled_at, @disabled_reason)
        ON CONFLICT (product_id, endpoint_id) DO UPDATE SET
            url = excluded.url, event_types = excluded.event_types, description = excluded.description, enabled = excluded.enabled,
            secrets = excluded.secrets, updated_at = excluded.updated_at, disabled_at = excluded.disabled_at, disabled_reason = excluded.disabled_reason
        """;

    // The oldest pending delivery of each customer (DISTINCT ON over the partial index): when the next one falls due.
    private const string HeadsSql = """
        SELECT DISTINCT ON (customer_id) event_seq, next_attempt_at, attempts, window_start
        FROM billing.event_deliveries
        WHERE product_id = @product AND endpoint_id = @endpoint AND status = 'Pending'
        ORDER BY customer_id, event_seq
        """;

    // Each customer's pending deliveries in order, as long as every one up to it is due (a running maximum), the first few.
    private const string DueSql = """
        SELECT d.event_seq, e.event_id, e.customer_id, e.payload, d.attempts, d.window_start
        FROM (
            SELECT event_seq, attempts, window_start,
                   row_number() OVER w AS n,
                   max(next_attempt_at) OVER w AS latest
            FROM billing.event_deliveries
            WHERE product_id = @product AND endpoint_id = @endpoint AND status = 'Pending'
            WINDOW w AS (PARTITION BY customer_id ORDER BY event_seq ROWS UNBOUNDED PRECEDING)
        ) d JOIN billing.product_events e ON e.seq = d.event_seq
        WHERE d.n <= @per_customer AND d.latest <= @now
        ORDER BY d.event_seq
        LIMIT @limit
        """;

    private static readonly string NextDueSql = $"SELECT min(next_attempt_at) FROM ({HeadsSql}) h";

    private const string RecordSql = """
        WITH o AS (
            SELECT * FROM unnest(@seqs, @attempts, @ats, @statuses, @latencies, @delivered, @errors, @nexts, @seen, @windows)
                AS o(seq, attempt, at, status_code, latency_ms, delivered, error, next_at, seen, win)
        ), logged AS (
            -- Only for deliveries that still exist (an endpoint removed meanwhile takes its log along); looked up by key.
            INSERT INTO billing.event_delivery_attempts (product_id, endpoint_id, event_seq, attempt, at, status_code, latency_ms, delivered, error)
            SELECT @product, @endpoint, o.seq, o.attempt, o.at, o.status_code, o.latency_ms, o.delivered, o.error
            FROM o JOIN billing.event_deliveries d ON d.product_id = @product AND d.endpoint_id = @endpoint AND d.event_seq = ANY (@seqs) AND d.event_seq = o.seq
            ON CONFLICT DO NOTHING
        ), updated AS (
            UPDATE billing.event_deliveries d SET
                attempts = greatest(d.attempts, o.attempt),
                status = CASE WHEN o.delivered THEN 'Delivered' WHEN o.next_at IS NULL THEN 'Failed' ELSE 'Pending' END,
                next_attempt_at = coalesce(o.next_at, d.next_attempt_at),
                last_attempt_at = o.at, last_status = o.status_code, last_latency_ms = o.latency_ms, last_error = o.error,
                delivered_at = CASE WHEN o.delivered THEN o.at ELSE d.delivered_at END,
                window_start = o.win
            FROM o
            -- A delivery replayed while this attempt was under way has a new window: the replay stands.
            WHERE d.product_id = @product AND d.endpoint_id = @endpoint AND d.event_seq = ANY (@seqs) AND d.event_seq = o.seq AND d.window_start = o.seen
        )
        -- To the minute: it only tells whether anything got through in a retry window, and the row is not rewritten per pass.
        UPDATE billing.event_endpoints SET last_delivered_at = (SELECT max(at) FROM o WHERE delivered)
        WHERE product_id = @product AND endpoint_id = @endpoint
          AND (last_delivered_at IS NULL OR last_delivered_at < (SELECT max(at) FROM o WHERE delivered) - interval '1 minute')
        """;

    private const string DeliveriesSql = """
        SELECT e.event_id, e.event_type, e.customer_id, e.version, e.occurred_at, d.status, d.attempts, d.next_attempt_at,
               d.last_attempt_at, d.last_status, d.last_latency_ms, d.last_error, d.delivered_at
        FROM billing.event_deliveries d JOIN billing.product_events e ON e.seq = d.event_seq
        WHERE d.product_id = @product AND d.endpoint_id = @endpoint
          AND (@status::text IS NULL OR d.status = @status)
          AND (@customer::text IS NULL OR d.customer_id = @customer)
          AND (@before::text IS NULL OR d.event_seq < (SELECT seq FROM billing.product_events WHERE event_id = @before))
        ORDER BY d.event_seq DESC
        LIMIT @limit
        """;

    private const string AttemptsSql = """
        SELECT a.attempt, a.at, a.status_code, a.latency_ms, a.delivered, a.error
        FROM billing.event_delivery_attempts a JOIN billing.product_events e ON e.seq = a.event_seq
        WHERE a.product_id = @product AND a.endpoint_id = @endpoint AND e.event_id = @event
        ORDER BY a.attempt
        """;

    private const string ReplaySql = """
        INSERT INTO billing.event_deliveries (product_id, endpoint_id, event_seq, customer_id, status, window_start, next_attempt_at)
        SELECT @product, @endpoint, e.seq, e.customer_id, 'Pending', @now, @now
        FROM billing.product_events e
        WHERE e.product_id = @product
          AND (@event::text IS NULL OR e.event_id = @event)
          AND (@event::text IS NOT NULL OR (e.event_type = ANY (@types) AND e.occurred_at >= @from AND e.occurred_at < @to))
        ON CONFLICT (product_id, endpoint_id, event_seq) DO UPDATE SET status = 'Pending', window_start = @now, next_attempt_at = @now, delivered_at = NULL
        """;

    private const string CountsSql = """
        SELECT endpoint_id, count(*) FILTER (WHERE status = 'Pending'), count(*) FILTER (WHERE status = 'Failed')
        FROM billing.event_deliveries WHERE product_id = @product AND status <> 'Delivered'
        GROUP BY endpoint_id
        """;

    // Only a customer's oldest pending delivery can be due: those queued behind it keep the time they were stored.
    private const string DueEndpointsSql = """
        SELECT DISTINCT d.product_id, d.endpoint_id
        FROM billing.event_deliveries d JOIN billing.event_endpoints ep USING (product_id, endpoint_id)
        WHERE d.status = 'Pending' AND d.next_attempt_at <= @due AND ep.enabled
          AND NOT EXISTS (
              SELECT 1 FROM billing.event_deliveries p
              WHERE p.product_id = d.product_id AND p.endpoint_id = d.endpoint_id AND p.customer_id = d.customer_id
                AND p.status = 'Pending' AND p.event_seq < d.event_seq)
        """;

    public async Task<IReadOnlyList<string>> AppendAsync(IReadOnlyList<ProductEvent> events, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = relaxed.CreateCommand(AppendSql);
        Column(command, "ids", NpgsqlDbType.Text, events, e => e.Id);
        Column(command, "products", NpgsqlDbType.Text, events, e => e.ProductId);
        Column(command, "customers", NpgsqlDbType.Text, events, e => e.CustomerId);
        Column(command, "types", NpgsqlDbType.Text, events, e => e.Type);
        Column(command, "versions", NpgsqlDbType.Bigint, events, e => e.Version);
        Column(command, "ats", NpgsqlDbType.TimestampTz, events, e => e.OccurredAt.UtcDateTime);
        Column(command, "payloads", NpgsqlDbType.Text, events, e => e.Payload);
        command.Parameters.Add(Time("now", now));
        var endpoints = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            endpoints.Add(reader.GetString(0));
        }

        return endpoints;
    }

    public async Task<IReadOnlyList<EventEndpoint>> EndpointsAsync(string productId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {EndpointColumns} FROM billing.event_endpoints WHERE product_id = @product ORDER BY created_at, endpoint_id");
        command.Parameters.Add(Text("product", productId));
        return await ReadEndpoints(command, cancellationToken);
    }

    public async Task<EventEndpoint?> EndpointAsync(string productId, string endpointId, CancellationToken cancellationToken)
    {
        await using var command = relaxed.CreateCommand($"SELECT {EndpointColumns} FROM billing.event_endpoints WHERE product_id = @product AND endpoint_id = @endpoint");
        command.Parameters.Add(Text("product", productId));
        command.Parameters.Add(Text("endpoint", endpointId));
        return (await ReadEndpoints(command, cancellationToken)).SingleOrDefault();
    }

    public async Task SaveEndpointAsync(EventEndpoint endpoint, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SaveSql);
        command.Parameters.Add(Text("product", endpoint.ProductId));
        command.Parameters.Add(Text("endpoint", endpoint.Id));
        command.Parameters.Add(Text("url", endpoint.Url));
        command.Parameters.Add(new NpgsqlParameter("types", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = endpoint.EventTypes.ToArray() });
        command.Parameters.Add(Text("description", endpoint.Description));
        command.Parameters.Add(new NpgsqlParameter<bool>("enabled", endpoint.Enabled));
        command.Parameters.Add(new NpgsqlParameter("secrets", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(endpoint.Secrets, Json) });
        command.Parameters.Add(Time("created_at", endpoint.CreatedAt));
        command.Parameters.Add(Text("created_by", endpoint.CreatedBy));
        command.Parameters.Add(Time("updated_at", endpoint.UpdatedAt));
        command.Parameters.Add(Time("disabled_at", endpoint.DisabledAt));
        command.Parameters.Add(Text("disabled_reason", endpoint.DisabledReason));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DisableAsync(string productId, string endpointId, DateTimeOffset at, string reason, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE billing.event_endpoints SET enabled = false, disabled_at = @at, disabled_reason = @reason, updated_at = @at
            WHERE product_id = @product AND endpoint_id = @endpoint AND enabled
            """);
        command.Parameters.Add(Text("product", productId));
        command.Parameters.Add(Text("endpoint", endpointId));
        command.Parameters.Add(Time("at", at));
        command.Parameters.Add(Text("reason", reason));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task<bool> DeleteEndpointAsync(string productId, string endpointId, CancellationToken cancellationToken)
    {
        // One statement: the endpoint's deliveries go by its trigger (migration 0017), its attempts with it.
        await using var command = dataSource.CreateCommand("""
            WITH attempts AS (DELETE FROM billing.event_delivery_attempts WHERE product_id = @product AND endpoint_id = @endpoint)
            DELETE FROM billing.event_endpoints WHERE product_id = @product AND endpoint_id = @endpoint
            """);
        command.Parameters.Add(Text("product", productId));
        command.Parameters.Add(Text("endpoint", endpointId));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task<IReadOnlyDictionary<string, (int Pending, int Failed)>> CountsAsync(string productId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(CountsSql);
        command.Parameters.Add(Text("product", productId));
        var counts = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            counts[reader.GetString(0)] = ((int)reader.GetInt64(1), (int)reader.GetInt64(2));
        }

        return counts;
    }

    public async Task<IReadOnlyList<PendingDelivery>> DueAsync(string productId, string endpointId, DateTimeOffset now, int limit, CancellationToken cancellationToken, int perCustomer = 1)
    {
        await using var command = relaxed.CreateCommand(DueSql);
        command.Parameters.Add(new NpgsqlParameter<int>("per_customer", perCustomer));
        command.Parameters.Add(Text("product", productId));
        command.Parameters.Add(Text("endpoint", endpointId));
        command.Parameters.Add(Time("now", now));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        var due = new List<PendingDelivery>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            due.Add(new PendingDelivery(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4), At(reader, 5)));
        }

        return due;
    }

    public async Task<DateTimeOffset?> NextDueAsync(string productId, string endpointId, CancellationToken cancellationToken)
    {
        await using var command = relaxed.CreateCommand(NextDueSql);
        command.Parameters.Add(Text("product", productId));
        command.Parameters.Add(Text("endpoint", endpointId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && !reader.IsDBNull(0) ? At(reader, 0) : null;
    }

    public async Task<IReadOnlyList<(string ProductId, string EndpointId)>> DueEndpointsAsync(DateTimeOffset dueBy, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DueEndpointsSql);
        command.Parameters.Add(Time("due", dueBy));
        var due = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            due.Add((reader.GetString(0), reader.GetString(1)));
        }

        return due;
    }

    public async Task RecordAsync(string productId, string endpointId, IReadOnlyList<DeliveryOutcome> outcomes, CancellationToken cancellationToken)
    {
        await using var command = relaxed.CreateCommand(RecordSql);
        command.Parameters.Add(Text("product", productId));
        command.Parameters.Add(Text("endpoint", endpointId));
        Column(command, "seqs", NpgsqlDbType.Bigint, outcomes, o => o.Seq);
        Column(command, "attempts", NpgsqlDbType.Integer, outcomes, o => o.Attempt);
        Column(command, "ats", NpgsqlDbType.TimestampTz, outcomes, o => o.At.UtcDateTime);
        Column(command, "statuses", NpgsqlDbType.Integer, outcomes, o => o.StatusCode);
        Column(command, "latencies", NpgsqlDbType.Integer, outcomes, o => o.LatencyMs);
        Column(command, "delivered", NpgsqlDbType.Boolean, outcomes, o => o.Delivered);
        Column(command, "errors", NpgsqlDbType.Text, outcomes, o => o.Error);
        Column(command, "nexts", NpgsqlDbType.TimestampTz, outcomes, o => o.NextAttemptAt?.UtcDateTime);
        Column(command, "seen", NpgsqlDbType.TimestampTz, outcomes, o => o.SeenWindowStart.UtcDateTime);
        Column(command, "windows", NpgsqlDbType.TimestampTz, outcomes, o => o.WindowStart.UtcDateTime);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<EventDeliveryView>> DeliveriesAsync(string productId, string endpointId, DeliveryQuery query, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DeliveriesSql);
        command.Parameters.Add(Text("product", productId));
        command.Parameters.Add(Text("endpoint", endpointId));
        command.Parameters.Add(Text("status", query.Status?.ToString()));
        command.Parameters.Add(Text("customer", query.CustomerId));
        command.Parameters.Add(Text("before", query.Before));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", query.Limit));
        var views = new List<EventDeliveryView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var status = Enum.Parse<DeliveryStatus>(reader.GetString(5));
            views.Add(new EventDeliveryView(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), At(reader, 4), status, reader.GetInt32(6),
                status == DeliveryStatus.Pending ? At(reader, 7) : null, MaybeAt(reader, 8), MaybeInt(reader, 9), MaybeInt(reader, 10),
                reader.IsDBNull(11) ? null : reader.GetString(11), MaybeAt(reader, 12)));
        }

        return views;
    }

    public async Task<IReadOnlyList<DeliveryAttemptView>> AttemptsAsync(string productId, string endpointId, string eventId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(AttemptsSql);
        command.Parameters.Add(Text("product", productId));
        command.Parameters.Add(Text("endpoint", endpointId));
        command.Parameters.Add(Text("event", eventId));
        var log = new List<DeliveryAttemptView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            log.Add(new DeliveryAttemptView(eventId, reader.GetInt32(0), At(reader, 1), MaybeInt(reader, 2), reader.GetInt32(3), reader.GetBoolean(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return log;
    }

    public async Task<int?> ReplayAsync(EventEndpoint endpoint, ReplayRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = relaxed.CreateCommand(ReplaySql);
        command.Parameters.Add(Text("product", endpoint.ProductId));
        command.Parameters.Add(Text("endpoint", endpoint.Id));
        command.Parameters.Add(Text("event", request.EventId));
        command.Parameters.Add(new NpgsqlParameter("types", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = endpoint.EventTypes.ToArray() });
        command.Parameters.Add(Time("from", request.From));
        command.Parameters.Add(Time("to", request.To));
        command.Parameters.Add(Time("now", now));
        var queued = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return request.EventId is not null && queued == 0 ? null : queued;
    }

    private static async Task<IReadOnlyList<EventEndpoint>> ReadEndpoints(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var endpoints = new List<EventEndpoint>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            endpoints.Add(new EventEndpoint(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<string[]>(3), reader.GetString(4), reader.GetBoolean(5),
                JsonSerializer.Deserialize<List<EndpointSecret>>(reader.GetString(6), Json)!, At(reader, 7), reader.GetString(8), At(reader, 9),
                MaybeAt(reader, 10), reader.IsDBNull(11) ? null : reader.GetString(11), MaybeAt(reader, 12)));
        }

        return endpoints;
    }

    private static DateTimeOffset At(NpgsqlDataReader reader, int column) => new(reader.GetDateTime(column), TimeSpan.Zero);

    private static DateTimeOffset? MaybeAt(NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? null : At(reader, column);

    private static int? MaybeInt(NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetInt32(column);

    private static NpgsqlParameter Text(string name, string? value) => new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Time(string name, DateTimeOffset? value) => new(name, NpgsqlDbType.TimestampTz) { Value = (object?)value?.UtcDateTime ?? DBNull.Value };

    private static void Column<TRow, TValue>(NpgsqlCommand command, string name, NpgsqlDbType type, IReadOnlyList<TRow> rows, Func<TRow, TValue> value) =>
        command.Parameters.Add(new NpgsqlParameter<TValue[]>(name, NpgsqlDbType.Array | type) { TypedValue = [.. rows.Select(value)] });
}
