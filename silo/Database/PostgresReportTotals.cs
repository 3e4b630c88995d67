using Npgsql;
using NpgsqlTypes;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Reporting;
using OrleansBilling.Grains.Reporting;

namespace OrleansBilling.Silo.Database;

/// <summary>
/// A report's totals from the reporting tables the projector keeps (<see cref="ReportingProjector"/>): three grouped
/// queries in one round trip, whatever the number of customers (the rows are per customer and day of change; the
/// answer per period). Days before the first period add up to the opening; periods are PostgreSQL's date_trunc of the
/// day (ISO weeks, calendar months), as <see cref="PortfolioReports.Periods"/> makes them.
/// </summary>
public sealed class PostgresReportTotals(NpgsqlDataSource dataSource) : IReportTotals
{
    private const string Period = "CASE WHEN day < @first THEN NULL ELSE date_trunc(@unit, day)::date END";

    private static readonly string MovementsSql = $"""
        SELECT {Period}, currency, kind, sum(amount_minor), count(*), count(DISTINCT subscription_key) FILTER (WHERE kind = 'Churn')
        FROM billing.report_movements
        WHERE day < @end AND (@product::text IS NULL OR product_id = @product)
        GROUP BY 1, 2, 3
        """;

    private static readonly string StatesSql = $"""
        SELECT {Period}, state_before, state_after, count(*)
        FROM billing.report_states
        WHERE day < @end AND (@product::text IS NULL OR product_id = @product)
        GROUP BY 1, 2, 3
        """;

    private static readonly string EventsSql = $"""
        SELECT {Period}, coalesce(currency, ''), event, count(*), sum(amount_minor)
        FROM billing.report_events
        WHERE day >= @first AND day < @end AND (@product::text IS NULL OR product_id = @product)
        GROUP BY 1, 2, 3
        """;

    public async Task<ReportTotals> ReadAsync(ReportRequest request, CancellationToken cancellationToken)
    {
        var totals = new ReportTotals(PortfolioReports.Periods(request));
        var index = totals.Periods.Select((p, i) => (p.Start, i)).ToDictionary(p => p.Start, p => p.i);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var sql in new[] { MovementsSql, StatesSql, EventsSql })
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.Add(new NpgsqlParameter<DateOnly>("first", NpgsqlDbType.Date) { TypedValue = totals.Periods[0].Start });
            command.Parameters.Add(new NpgsqlParameter<DateOnly>("end", NpgsqlDbType.Date) { TypedValue = totals.Periods[^1].End });
            command.Parameters.Add(new NpgsqlParameter<string>("unit", NpgsqlDbType.Text) { TypedValue = request.Interval.ToString().ToLowerInvariant() });
            command.Parameters.Add(new NpgsqlParameter("product", NpgsqlDbType.Text) { Value = (object?)request.ProductId ?? DBNull.Value });
            batch.BatchCommands.Add(command);
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        int? PeriodOf(int column) => reader.IsDBNull(column) ? null : index[DateOnly.FromDateTime(reader.GetDateTime(column))];

        while (await reader.ReadAsync(cancellationToken))
        {
            var (period, currency, kind, count) = (PeriodOf(0), reader.GetString(1), Enum.Parse<MovementKind>(reader.GetString(2)), (int)reader.GetInt64(4));
            totals.AddMovements(period, currency, kind, reader.GetInt64(3), count);
            if (period is { } p && reader.GetInt64(5) is > 0 and var churned)
            {
                totals.Churned[(p, currency)] = (int)churned;
            }
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var before = reader.GetString(1);
            totals.AddStateChanges(
                PeriodOf(0), before.Length == 0 ? null : Enum.Parse<SubscriptionState>(before), Enum.Parse<SubscriptionState>(reader.GetString(2)), (int)reader.GetInt64(3));
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var currency = reader.GetString(1);
            totals.AddEvents(
                PeriodOf(0)!.Value, currency.Length == 0 ? null : currency, Enum.Parse<ReportEventKind>(reader.GetString(2)), (int)reader.GetInt64(3), reader.GetInt64(4));
        }

        return totals;
    }
}
