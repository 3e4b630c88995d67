using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.ReadModel;
using OrleansBilling.Grains.Reporting;

namespace OrleansBilling.Silo.Database;

/// <summary>
/// The read model in PostgreSQL: publishes subscription rows and history entries
/// (<c>billing.subscriptions</c>, <c>billing.subscription_history</c>, the invoices' index) in one transaction, and reads a
/// subscription's whole history back.
/// </summary>
/// <remarks>
/// Idempotent by construction, because a grain re-runs a publish after a crash: history rows are
/// keyed by (subscription_key, seq) and inserted with ON CONFLICT DO NOTHING, and the current row is
/// replaced only when the stored version is not newer than the incoming one. States are stored by
/// their enum names, kinds as <c>transition</c> / <c>fact</c>.
/// </remarks>
public sealed class PostgresReadModelWriter(NpgsqlDataSource dataSource) : IReadModelWriter, IHistoryReader, IReportingHistory
{
    // One statement for all history rows of a publish: the arrays are unnested into rows, so the
    // round trip does not grow with the number of entries.
    private const string InsertHistorySql = """
        INSERT INTO billing.subscription_history
            (subscription_key, seq, product_id, customer_id, occurred_at, kind, name, from_state, to_state, detail, actor,
             plan_before, unit_amount_before, currency_before, interval_before, quantity_before,
             plan_after, unit_amount_after, currency_after, interval_after, quantity_after, amount_minor, amount_currency,
             discounts_before, discounts_after)
        SELECT @key, h.seq, @product, @customer, h.occurred_at, h.kind, h.name, h.from_state, h.to_state, h.detail::jsonb, h.actor,
               h.plan_before, h.unit_amount_before, h.currency_before, h.interval_before, h.quantity_before,
               h.plan_after, h.unit_amount_after, h.currency_after, h.interval_after, h.quantity_after, h.amount_minor, h.amount_currency,
               h.discounts_before::jsonb, h.discounts_after::jsonb
        FROM unnest(@seqs, @occurred, @kinds, @names, @froms, @tos, @details, @actors,
                    @plansBefore, @amountsBefore, @currenciesBefore, @intervalsBefore, @quantitiesBefore,
                    @plansAfter, @amountsAfter, @currenciesAfter, @intervalsAfter, @quantitiesAfter, @moneyAmounts, @moneyCurrencies,
                    @discountsBefore, @discountsAfter)
            AS h(seq, occurred_at, kind, name, from_state, to_state, detail, actor,
                 plan_before, unit_amount_before, currency_before, interval_before, quantity_before,
                 plan_after, unit_amount_after, currency_after, interval_after, quantity_after, amount_minor, amount_currency,
                 discounts_before, discounts_after)
        ON CONFLICT (subscription_key, seq) DO NOTHING
        """;

    // The WHERE on the conflict branch is what keeps a late, older publish from winning; the row
    // lock taken by ON CONFLICT makes the version comparison safe against concurrent publishers.
    private const string UpsertCurrentSql = """
        INSERT INTO billing.subscriptions AS s
            (subscription_key, product_id, customer_id, state, plan_id, current_period_end, email,
             provider_customer_id, provider_subscription_id, version, updated_at, win_backs, last_won_back_at,
             unit_amount_minor, currency, billing_interval, quantity, discounts)
        VALUES (@key, @product, @customer, @state, @plan, @periodEnd, @email,
                @providerCustomer, @providerSubscription, @version, @updatedAt, @winBacks, @lastWonBackAt,
                @unitAmount, @currency, @interval, @quantity, @discounts::jsonb)
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
            last_won_back_at = EXCLUDED.last_won_back_at,
            unit_amount_minor = EXCLUDED.unit_amount_minor,
            currency = EXCLUDED.currency,
            billing_interval = EXCLUDED.billing_interval,
            quantity = EXCLUDED.quantity,
            discounts = EXCLUDED.discounts
        WHERE s.version <= EXCLUDED.version
        """;

    // An invoice belongs to one subscription for good: the first row stays.
    private const string IndexInvoicesSql = """
        INSERT INTO billing.subscription_invoices (invoice_id, subscription_key)
        SELECT i, @key FROM unnest(@invoices) AS i
        ON CONFLICT (invoice_id) DO NOTHING
        """;

    private const string ReadHistorySql = """
        SELECT seq, occurred_at, kind, name, from_state, to_state, actor, detail ->> 'detail',
               plan_before, unit_amount_before, currency_before, interval_before, quantity_before,
               plan_after, unit_amount_after, currency_after, interval_after, quantity_after, amount_minor, amount_currency,
               discounts_before, discounts_after
        FROM billing.subscription_history
        WHERE subscription_key = @key AND (@before::bigint IS NULL OR seq < @before)
        ORDER BY seq DESC
        LIMIT @limit
        """;

    // One subscription's rows by the primary key's prefix: few, so the actor needs no index.
    private const string NamesBySql = """
        SELECT name FROM billing.subscription_history WHERE subscription_key = @key AND actor = @actor ORDER BY seq
        """;

    /// <inheritdoc />
    public async Task WriteAsync(SubscriptionRow current, IReadOnlyList<HistoryEntry> history, CancellationToken cancellationToken)
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
            batch.BatchCommands.Add(CreateHistoryCommand(current, history));
        }

        batch.BatchCommands.Add(CreateCurrentCommand(current));
        if (current.InvoiceIds is { Count: > 0 } invoices)
        {
            var index = new NpgsqlBatchCommand(IndexInvoicesSql);
            index.Parameters.Add(new NpgsqlParameter<string>("key", NpgsqlDbType.Text) { TypedValue = current.SubscriptionKey });
            index.Parameters.Add(new NpgsqlParameter<string[]>("invoices", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. invoices] });
            batch.BatchCommands.Add(index);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The history rows reports read, as <see cref="ReportFacts.Reads"/> says: those that change the state or the terms.
    /// Unqualified column names of <c>billing.subscription_history</c>.
    /// </summary>
    public const string ReportedRowSql = """
        (from_state <> to_state
         OR (plan_after IS NOT NULL
             AND (plan_before IS NULL OR plan_after <> plan_before OR unit_amount_after <> unit_amount_before
                  OR currency_after <> currency_before OR interval_after <> interval_before
                  OR quantity_after <> quantity_before OR discounts_after IS DISTINCT FROM discounts_before)))
        """;

    // Reporting reads only what moves state or terms, in the key's order.
    private const string ReadReportingSql = $"""
        SELECT subscription_key, product_id, seq, occurred_at, from_state, to_state, name, actor,
               plan_after, unit_amount_after, currency_after, interval_after, quantity_after, discounts_after
        FROM billing.subscription_history
        WHERE occurred_at <= @until AND (@product::text IS NULL OR product_id = @product)
          AND {ReportedRowSql}
        ORDER BY subscription_key, seq
        """;

    /// <inheritdoc />
    public async IAsyncEnumerable<IReadOnlyList<ReportingEntry>> ReadAsync(
        string? productId, DateTimeOffset until, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ReadReportingSql);
        command.Parameters.Add(new NpgsqlParameter<DateTime>("until", NpgsqlDbType.TimestampTz) { TypedValue = until.UtcDateTime });
        command.Parameters.Add(Nullable("product", NpgsqlDbType.Text, productId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var subscription in ReportingHistoryOf(reader, cancellationToken))
        {
            yield return subscription;
        }
    }

    /// <summary>
    /// Rows of the history as reporting reads them (subscription_key, product_id, seq, occurred_at, from_state, to_state,
    /// name, actor, then the terms after), ordered by subscription and sequence, one subscription at a time. A row that
    /// cannot be read (a state or an interval this version does not know, written by a newer one) throws, unless
    /// <paramref name="unreadable"/> is given: then it is told the subscription and why, and the subscription is left out.
    /// </summary>
    public static async IAsyncEnumerable<IReadOnlyList<ReportingEntry>> ReportingHistoryOf(
        NpgsqlDataReader reader, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken,
        Action<string, Exception>? unreadable = null)
    {
        var subscription = new List<ReportingEntry>();
        string? current = null;
        var broken = false;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var key = reader.GetString(0);
            if (key != current)
            {
                if (subscription.Count > 0 && !broken)
                {
                    yield return subscription;
                }

                (subscription, current, broken) = ([], key, false);
            }

            if (broken)
            {
                continue;
            }

            try
            {
                subscription.Add(new ReportingEntry(
                    key, reader.GetString(1), reader.GetInt64(2), new DateTimeOffset(reader.GetDateTime(3), TimeSpan.Zero),
                    Enum.Parse<SubscriptionState>(reader.GetString(4)), Enum.Parse<SubscriptionState>(reader.GetString(5)),
                    Terms(reader, 8, 13), reader.GetString(6), reader.IsDBNull(7) ? "" : reader.GetString(7)));
            }
            catch (Exception ex) when (unreadable is not null && ex is ArgumentException or FormatException or JsonException or InvalidCastException or OverflowException)
            {
                unreadable(key, ex);
                broken = true;
            }
        }

        if (subscription.Count > 0 && !broken)
        {
            yield return subscription;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> NamesByAsync(string subscriptionKey, string actor, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(NamesBySql);
        command.Parameters.Add(new NpgsqlParameter<string>("key", NpgsqlDbType.Text) { TypedValue = subscriptionKey });
        command.Parameters.Add(new NpgsqlParameter<string>("actor", NpgsqlDbType.Text) { TypedValue = actor });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var names = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<HistoryEntry>> ReadAsync(string subscriptionKey, long? beforeSequence, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ReadHistorySql);
        command.Parameters.Add(new NpgsqlParameter<string>("key", NpgsqlDbType.Text) { TypedValue = subscriptionKey });
        command.Parameters.Add(Nullable("before", NpgsqlDbType.Bigint, beforeSequence));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", NpgsqlDbType.Integer) { TypedValue = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var entries = new List<HistoryEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var kind = reader.GetString(2) == "transition" ? HistoryKind.Transition : HistoryKind.Fact;
            var name = reader.GetString(3);
            entries.Add(new HistoryEntry(
                reader.GetInt64(0),
                new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero),
                kind,
                name,
                Enum.Parse<SubscriptionState>(reader.GetString(4)),
                Enum.Parse<SubscriptionState>(reader.GetString(5)),
                reader.IsDBNull(6) ? "" : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                Terms(reader, 8, 20),
                Terms(reader, 13, 21),
                reader.IsDBNull(18) ? null : new Money(reader.GetInt64(18), reader.GetString(19)),
                kind == HistoryKind.Transition && Enum.TryParse<LifecycleTransition>(name, out var transition) ? transition : null,
                kind == HistoryKind.Fact && Enum.TryParse<HistoryFact>(name, out var fact) ? fact : null));
        }

        return entries;
    }

    /// <summary>Terms from five columns (plan, unit amount, currency, interval, quantity) and a discounts column.</summary>
    private static PriceTerms? Terms(NpgsqlDataReader reader, int first, int discounts) =>
        reader.IsDBNull(first)
            ? null
            : new PriceTerms(reader.GetString(first), reader.GetInt64(first + 1), reader.GetString(first + 2), Enum.Parse<BillingInterval>(reader.GetString(first + 3)), reader.GetInt32(first + 4))
            {
                Discounts = reader.IsDBNull(discounts) ? [] : DiscountsJson.Read(reader.GetString(discounts)),
            };

    private static NpgsqlBatchCommand CreateHistoryCommand(SubscriptionRow current, IReadOnlyList<HistoryEntry> history)
    {
        var command = new NpgsqlBatchCommand(InsertHistorySql);
        command.Parameters.Add(new NpgsqlParameter<string>("key", NpgsqlDbType.Text) { TypedValue = current.SubscriptionKey });
        command.Parameters.Add(new NpgsqlParameter<string>("product", NpgsqlDbType.Text) { TypedValue = current.ProductId });
        command.Parameters.Add(new NpgsqlParameter<string>("customer", NpgsqlDbType.Text) { TypedValue = current.CustomerId });
        Column(command, "seqs", NpgsqlDbType.Bigint, history, h => h.Sequence);
        Column(command, "occurred", NpgsqlDbType.TimestampTz, history, h => h.OccurredAt.UtcDateTime);
        Column(command, "kinds", NpgsqlDbType.Text, history, h => KindName(h.Kind));
        Column(command, "names", NpgsqlDbType.Text, history, h => h.Name);
        Column(command, "froms", NpgsqlDbType.Text, history, h => h.From.ToString());
        Column(command, "tos", NpgsqlDbType.Text, history, h => h.To.ToString());

        // Sent as text and cast in SQL, so the JSON is validated by PostgreSQL.
        Column(command, "details", NpgsqlDbType.Text, history, h => JsonSerializer.Serialize(new Dictionary<string, string?> { ["detail"] = h.Detail }));
        Column(command, "actors", NpgsqlDbType.Text, history, h => h.Actor);
        Column(command, "plansBefore", NpgsqlDbType.Text, history, h => h.TermsBefore?.PlanId);
        Column(command, "amountsBefore", NpgsqlDbType.Bigint, history, h => h.TermsBefore?.UnitAmountMinor);
        Column(command, "currenciesBefore", NpgsqlDbType.Text, history, h => h.TermsBefore?.Currency);
        Column(command, "intervalsBefore", NpgsqlDbType.Text, history, h => h.TermsBefore?.Interval.ToString());
        Column(command, "quantitiesBefore", NpgsqlDbType.Integer, history, h => h.TermsBefore?.Quantity);
        Column(command, "plansAfter", NpgsqlDbType.Text, history, h => h.TermsAfter?.PlanId);
        Column(command, "amountsAfter", NpgsqlDbType.Bigint, history, h => h.TermsAfter?.UnitAmountMinor);
        Column(command, "currenciesAfter", NpgsqlDbType.Text, history, h => h.TermsAfter?.Currency);
        Column(command, "intervalsAfter", NpgsqlDbType.Text, history, h => h.TermsAfter?.Interval.ToString());
        Column(command, "quantitiesAfter", NpgsqlDbType.Integer, history, h => h.TermsAfter?.Quantity);
        Column(command, "moneyAmounts", NpgsqlDbType.Bigint, history, h => h.Amount?.AmountMinor);
        Column(command, "moneyCurrencies", NpgsqlDbType.Text, history, h => h.Amount?.Currency);
        Column(command, "discountsBefore", NpgsqlDbType.Text, history, h => DiscountsJson.Write(h.TermsBefore));
        Column(command, "discountsAfter", NpgsqlDbType.Text, history, h => DiscountsJson.Write(h.TermsAfter));
        return command;
    }

    /// <summary>One array parameter: a column of the rows to unnest.</summary>
    private static void Column<T>(NpgsqlBatchCommand command, string name, NpgsqlDbType type, IReadOnlyList<HistoryEntry> history, Func<HistoryEntry, T> value) =>
        command.Parameters.Add(new NpgsqlParameter<T[]>(name, NpgsqlDbType.Array | type) { TypedValue = [.. history.Select(value)] });

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
        command.Parameters.Add(Nullable("unitAmount", NpgsqlDbType.Bigint, row.Terms?.UnitAmountMinor));
        command.Parameters.Add(Nullable("currency", NpgsqlDbType.Text, row.Terms?.Currency));
        command.Parameters.Add(Nullable("interval", NpgsqlDbType.Text, row.Terms?.Interval.ToString()));
        command.Parameters.Add(Nullable("quantity", NpgsqlDbType.Integer, row.Terms?.Quantity));
        command.Parameters.Add(Nullable("discounts", NpgsqlDbType.Text, DiscountsJson.Write(row.Terms)));
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
