using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;
using Npgsql;
using NpgsqlTypes;
using OrleansBilling.Grains.ReadModel;

namespace OrleansBilling.Silo.Database;

/// <summary>
/// Publishes subscription read-model rows to PostgreSQL (<c>billing.subscriptions</c> and
/// <c>billing.subscription_history</c>) in one transaction.
/// </summary>
/// <remarks>
/// Idempotent by construction, because a grain re-runs a publish after a crash: history rows are
/// keyed by (subscription_key, seq) and inserted with ON CONFLICT DO NOTHING, and the current row is
/// replaced only when the stored version is not newer than the incoming one. States are stored by
/// their enum names, kinds as <c>transition</c> / <c>fact</c>.
/// </remarks>
public sealed class PostgresReadModelWriter(NpgsqlDataSource dataSource) : IReadModelWriter
{
    // One statement for all history rows of a publish: the arrays are unnested into rows, so the
    // round trip does not grow with the number of entries.
    private const string InsertHistorySql = """
        INSERT INTO billing.subscription_history
            (subscription_key, seq, product_id, customer_id, occurred_at, kind, name, from_state, to_state, detail)
        SELECT h.subscription_key, h.seq, h.product_id, h.customer_id, h.occurred_at, h.kind, h.name,
               h.from_state, h.to_state, h.detail::jsonb
        FROM unnest(@keys, @seqs, @products, @customers, @occurred, @kinds, @names, @froms, @tos, @details)
            AS h(subscription_key, seq, product_id, customer_id, occurred_at, kind, name, from_state, to_state, detail)
        ON CONFLICT (subscription_key, seq) DO NOTHING
        """;

    // The WHERE on the conflict branch is what keeps a late, older publish from winning; the row
    // lock taken by ON CONFLICT makes the version comparison safe against concurrent publishers.
    private const string UpsertCurrentSql = """
        INSERT INTO billing.subscriptions AS s
            (subscription_key, product_id, customer_id, state, plan_id, current_period_end, email,
             provider_customer_id, provider_subscription_id, version, updated_at, win_backs, last_won_back_at)
        VALUES (@key, @product, @customer, @state, @plan, @periodEnd, @email,
                @providerCustomer, @providerSubscription, @version, @updatedAt, @winBacks, @lastWonBackAt)
        ON CONFLICT (subscription_key) DO UPDATE
        SET product_id = EXCLUDED.product_id,
            customer_id = EXCLUDED.customer_id,
            state = EXCLUDED.state,
            plan_id = EXCLUDED.plan_id,
            current_period_end = EXCLUDED.current_period_end,
            email = EXCLUDED.email,
            provider_customer_id = EXCLUDED.provider_customer_id,
            provider_subscription_id = EXCLUDED.provider_subscription_id,
            version = EXCLUDED.version,
            updated_at = EXCLUDED.updated_at,
            win_backs = EXCLUDED.win_backs,
            last_won_back_at = EXCLUDED.last_won_back_at
        WHERE s.version <= EXCLUDED.version
        """;

    /// <inheritdoc />
    public async Task WriteAsync(SubscriptionRow current, IReadOnlyList<HistoryRow> history, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(history);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // Both statements go in one round trip; the explicit transaction makes them one unit even
        // if a later version of this class splits them.
        await using var batch = new NpgsqlBatch(connection, transaction);
        if (history.Count > 0)
        {
            batch.BatchCommands.Add(CreateHistoryCommand(history));
        }

        batch.BatchCommands.Add(CreateCurrentCommand(current));

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static NpgsqlBatchCommand CreateHistoryCommand(IReadOnlyList<HistoryRow> history)
    {
        var count = history.Count;
        var keys = new string[count];
        var seqs = new long[count];
        var products = new string[count];
        var customers = new string[count];
        var occurred = new DateTime[count];
        var kinds = new string[count];
        var names = new string[count];
        var froms = new string[count];
        var tos = new string[count];
        var details = new string?[count];

        for (var i = 0; i < count; i++)
        {
            var row = history[i];
            keys[i] = row.SubscriptionKey;
            seqs[i] = row.Sequence;
            products[i] = row.ProductId;
            customers[i] = row.CustomerId;
            occurred[i] = row.OccurredAt.UtcDateTime;
            kinds[i] = KindName(row.Kind);
            names[i] = row.Name;
            froms[i] = row.FromState.ToString();
            tos[i] = row.ToState.ToString();
            details[i] = row.DetailJson;
        }

        var command = new NpgsqlBatchCommand(InsertHistorySql);
        command.Parameters.Add(new NpgsqlParameter<string[]>("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = keys });
        command.Parameters.Add(new NpgsqlParameter<long[]>("seqs", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = seqs });
        command.Parameters.Add(new NpgsqlParameter<string[]>("products", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = products });
        command.Parameters.Add(new NpgsqlParameter<string[]>("customers", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = customers });
        command.Parameters.Add(new NpgsqlParameter<DateTime[]>("occurred", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = occurred });
        command.Parameters.Add(new NpgsqlParameter<string[]>("kinds", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = kinds });
        command.Parameters.Add(new NpgsqlParameter<string[]>("names", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = names });
        command.Parameters.Add(new NpgsqlParameter<string[]>("froms", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = froms });
        command.Parameters.Add(new NpgsqlParameter<string[]>("tos", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = tos });
        // Sent as text and cast in SQL, so the JSON is validated by PostgreSQL and NULL stays NULL.
        command.Parameters.Add(new NpgsqlParameter<string?[]>("details", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = details });
        return command;
    }

    private static NpgsqlBatchCommand CreateCurrentCommand(SubscriptionRow row)
    {
        var command = new NpgsqlBatchCommand(UpsertCurrentSql);
        command.Parameters.Add(new NpgsqlParameter<string>("key", NpgsqlDbType.Text) { TypedValue = row.SubscriptionKey });
        command.Parameters.Add(new NpgsqlParameter<string>("product", NpgsqlDbType.Text) { TypedValue = row.ProductId });
        command.Parameters.Add(new NpgsqlParameter<string>("customer", NpgsqlDbType.Text) { TypedValue = row.CustomerId });
        command.Parameters.Add(new NpgsqlParameter<string>("state", NpgsqlDbType.Text) { TypedValue = row.State.ToString() });
        command.Parameters.Add(Nullable("plan", NpgsqlDbType.Text, row.PlanId));
        command.Parameters.Add(Nullable("periodEnd", NpgsqlDbType.TimestampTz, row.CurrentPeriodEnd?.UtcDateTime));
        command.Parameters.Add(Nullable("email", NpgsqlDbType.Text, row.Email));
        command.Parameters.Add(Nullable("providerCustomer", NpgsqlDbType.Text, row.ProviderCustomerId));
        command.Parameters.Add(Nullable("providerSubscription", NpgsqlDbType.Text, row.ProviderSubscriptionId));
        command.Parameters.Add(new NpgsqlParameter<long>("version", NpgsqlDbType.Bigint) { TypedValue = row.Version });
        command.Parameters.Add(new NpgsqlParameter<DateTime>("updatedAt", NpgsqlDbType.TimestampTz) { TypedValue = row.UpdatedAt.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter<int>("winBacks", NpgsqlDbType.Integer) { TypedValue = row.WinBacks });
        command.Parameters.Add(Nullable("lastWonBackAt", NpgsqlDbType.TimestampTz, row.LastWonBackAt?.UtcDateTime));
        return command;
    }

    // Typed even when NULL, so PostgreSQL never has to guess a parameter's type.
    private static NpgsqlParameter Nullable(string name, NpgsqlDbType type, object? value) =>
        new(name, type) { Value = value ?? DBNull.Value };

    private static string KindName(HistoryKind kind) => kind switch
    {
        HistoryKind.Transition => "transition",
        HistoryKind.Fact => "fact",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown history kind."),
    };
}
