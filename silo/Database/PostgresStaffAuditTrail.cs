using Npgsql;
using NpgsqlTypes;
using OrleansBilling.GrainInterfaces.Staff;
using OrleansBilling.Grains.Staff;

namespace OrleansBilling.Silo.Database;

/// <summary>
/// The audit trail in <c>billing.staff_audit</c>: append-only (a trigger refuses changes), one statement per append,
/// idempotent by id; the database numbers the records in the order they are written, whichever silo writes them.
/// </summary>
public sealed class PostgresStaffAuditTrail(NpgsqlDataSource dataSource) : IStaffAuditTrail
{
    private const string AppendSql = """
        INSERT INTO billing.staff_audit (id, at, person, role, action, product_id, customer_id, reason, outcome, detail)
        SELECT * FROM unnest(@ids, @ats, @people, @roles, @actions, @products, @customers, @reasons, @outcomes, @details)
        ON CONFLICT (id) DO NOTHING
        """;

    private const string FindSql = """
        SELECT id, at, person, role, action, product_id, customer_id, reason, outcome, detail, seq
        FROM billing.staff_audit
        WHERE (@person::text IS NULL OR person = @person)
          AND (@product::text IS NULL OR product_id = @product)
          AND (@customer::text IS NULL OR customer_id = @customer)
          AND (@action::text IS NULL OR action = @action)
          AND (@before::bigint IS NULL OR seq < @before)
        ORDER BY seq DESC
        LIMIT @limit
        """;

    public async Task AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(AppendSql);
        Column(command, "ids", NpgsqlDbType.Text, records, r => r.Id);
        Column(command, "ats", NpgsqlDbType.TimestampTz, records, r => r.At.UtcDateTime);
        Column(command, "people", NpgsqlDbType.Text, records, r => r.Person);
        Column(command, "roles", NpgsqlDbType.Text, records, r => r.Role.ToString());
        Column(command, "actions", NpgsqlDbType.Text, records, r => r.Action);
        Column(command, "products", NpgsqlDbType.Text, records, r => r.ProductId);
        Column(command, "customers", NpgsqlDbType.Text, records, r => r.CustomerId);
        Column(command, "reasons", NpgsqlDbType.Text, records, r => r.Reason);
        Column(command, "outcomes", NpgsqlDbType.Text, records, r => r.Outcome.ToString());
        Column(command, "details", NpgsqlDbType.Text, records, r => r.Detail);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AuditRecord>> FindAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(FindSql);
        command.Parameters.Add(Text("person", query.Person));
        command.Parameters.Add(Text("product", query.ProductId));
        command.Parameters.Add(Text("customer", query.CustomerId));
        command.Parameters.Add(Text("action", query.Action));
        command.Parameters.Add(new NpgsqlParameter("before", NpgsqlDbType.Bigint) { Value = (object?)query.Before ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<int>("limit", NpgsqlDbType.Integer) { TypedValue = query.Limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var records = new List<AuditRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(new AuditRecord(
                reader.GetString(0),
                new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero),
                reader.GetString(2),
                Enum.Parse<StaffRole>(reader.GetString(3)),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                Enum.Parse<AuditOutcome>(reader.GetString(8)),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.GetInt64(10)));
        }

        return records;
    }

    private static NpgsqlParameter Text(string name, string? value) =>
        new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    private static void Column<T>(NpgsqlCommand command, string name, NpgsqlDbType type, IReadOnlyList<AuditRecord> records, Func<AuditRecord, T> value) =>
        command.Parameters.Add(new NpgsqlParameter<T[]>(name, NpgsqlDbType.Array | type) { TypedValue = [.. records.Select(value)] });
}
