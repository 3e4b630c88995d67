using Npgsql;
using NpgsqlTypes;
using OrleansBilling.GrainInterfaces.Webhooks;
using OrleansBilling.Grains.Stripe.Webhooks;

namespace OrleansBilling.Silo.Database;

/// <summary>The Stripe inbox on PostgreSQL (<c>billing.stripe_events</c>, <c>billing.anomalies</c>).</summary>
/// <param name="database">Everything but the first insert of an event, each commit waiting for the disk.</param>
/// <param name="arrivals">
/// The first insert of an event; in production a source whose commits do not wait for the disk
/// (<see cref="PostgresProductEventStore.WithoutCommitWait"/>), which spares each webhook one wait. Safe: the event is
/// answered only after its outcome's commit, which waits and so takes the insert to disk with it; and whatever handling
/// it stored commits after it, waiting, and so takes it too. An insert lost with a crash of the database within that
/// moment leaves the outcome nothing to update: <see cref="SetOutcomeAsync"/> then fails, the event is not answered and
/// Stripe delivers it again, as new; the subscription's remembered ids keep it from being applied twice (its published
/// history, asked for events stored before, is not: the one case this costs, with more than 256 inputs in between).
/// </param>
public sealed class PostgresStripeEventStore(NpgsqlDataSource database, NpgsqlDataSource? arrivals = null) : IStripeEventStore
{
    private readonly NpgsqlDataSource arrivals = arrivals ?? database;

    public async Task<string?> FindOutcomeAsync(string eventId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT outcome FROM billing.stripe_events WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = eventId });
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task<bool> InsertAsync(StripeWebhook webhook, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        await using var command = arrivals.CreateCommand(
            """
            INSERT INTO billing.stripe_events (id, type, api_version, created, received_at, payload)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (id) DO NOTHING
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = webhook.EventId });
        command.Parameters.Add(new NpgsqlParameter { Value = webhook.Type });
        command.Parameters.Add(new NpgsqlParameter { Value = webhook.ApiVersion });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)webhook.Created?.UtcDateTime ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = receivedAt.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter { Value = webhook.Payload, NpgsqlDbType = NpgsqlDbType.Text });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task SetOutcomeAsync(string eventId, WebhookOutcome outcome, DateTimeOffset processedAt, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "UPDATE billing.stripe_events SET outcome = $2, subscription_key = $3, detail = $4, processed_at = $5 WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = eventId });
        command.Parameters.Add(new NpgsqlParameter { Value = outcome.Outcome });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)outcome.SubscriptionKey ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)outcome.Detail ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = processedAt.UtcDateTime });
        if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
        {
            throw new InvalidOperationException($"Stripe event {eventId} is not in the inbox (lost with a crash of the database?): it is not answered, so Stripe delivers it again.");
        }
    }

    public async Task<StripeWebhook?> FindAsync(string eventId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT type, api_version, created, payload FROM billing.stripe_events WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = eventId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StripeWebhook(
                eventId,
                reader.GetString(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                reader.GetString(3))
            : null;
    }

    public async Task RecordRerunAsync(string eventId, AnomalyRerun rerun, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "UPDATE billing.anomalies SET rerun_outcome = $2, rerun_by = $3, rerun_at = $4 WHERE event_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = eventId });
        command.Parameters.Add(new NpgsqlParameter { Value = rerun.Outcome });
        command.Parameters.Add(new NpgsqlParameter { Value = rerun.Actor });
        command.Parameters.Add(new NpgsqlParameter { Value = rerun.At.UtcDateTime });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task AddAnomalyAsync(AnomalyView anomaly, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            INSERT INTO billing.anomalies (event_id, event_type, subscription_key, state, transition, detail, recorded_at, kind)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (event_id) DO NOTHING
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = anomaly.EventId });
        command.Parameters.Add(new NpgsqlParameter { Value = anomaly.EventType });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)anomaly.SubscriptionKey ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)anomaly.State ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)anomaly.Transition ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)anomaly.Detail ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = anomaly.RecordedAt.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter { Value = anomaly.Kind.ToString() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<AnomalyView>> RecentAnomaliesAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            SELECT event_id, event_type, subscription_key, state, transition, detail, recorded_at, kind, rerun_outcome, rerun_by, rerun_at
            FROM billing.anomalies ORDER BY recorded_at DESC, event_id LIMIT $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var anomalies = new List<AnomalyView>();
        while (await reader.ReadAsync(cancellationToken))
        {
            anomalies.Add(new AnomalyView(
                reader.GetString(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                new DateTimeOffset(reader.GetDateTime(6), TimeSpan.Zero),
                Enum.Parse<AnomalyKind>(reader.GetString(7)),
                reader.IsDBNull(8) ? null : new AnomalyRerun(reader.GetString(8), reader.GetString(9), reader.GetFieldValue<DateTimeOffset>(10))));
        }

        return anomalies;
    }
}
