using Npgsql;
using NpgsqlTypes;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Staff;
using OrleansBilling.Grains.ReadModel;

namespace OrleansBilling.Silo.Database;

/// <summary>
/// The console's search on <c>billing.subscriptions</c>: every kind of id at once, each branch on its own index
/// (customer id whole or by its beginning, lower-case email, Stripe's customer and subscription, the invoices' index), so
/// an answer costs a few index probes however many customers there are (<c>bench/README.md</c>).
/// </summary>
public sealed class PostgresCustomerSearch(NpgsqlDataSource dataSource) : ICustomerSearch
{
    // Branches in the order an answer lists them: the customer id itself first, then ids that begin with it,
    // then the other kinds. DISTINCT ON keeps each customer once, with its best match.
    private const string FindSql = """
        SELECT product_id, customer_id, state, plan_id, email, matched
        FROM (
            SELECT DISTINCT ON (s.subscription_key) s.product_id, s.customer_id, s.state, s.plan_id, s.email, m.matched, m.rank
            FROM (
                (SELECT subscription_key, 0 AS rank, 'customer id' AS matched FROM billing.subscriptions WHERE customer_id = @query LIMIT @limit)
                UNION ALL
                (SELECT subscription_key, 1, 'customer id' FROM billing.subscriptions WHERE customer_id LIKE @prefix ESCAPE '\' LIMIT @limit)
                UNION ALL
                (SELECT subscription_key, 2, 'email' FROM billing.subscriptions WHERE lower(email) = lower(@query) LIMIT @limit)
                UNION ALL
                (SELECT subscription_key, 3, 'Stripe customer' FROM billing.subscriptions WHERE provider_customer_id = @query LIMIT @limit)
                UNION ALL
                (SELECT subscription_key, 4, 'Stripe subscription' FROM billing.subscriptions WHERE provider_subscription_id = @query LIMIT @limit)
                UNION ALL
                (SELECT subscription_key, 5, 'invoice' FROM billing.subscription_invoices WHERE invoice_id = @query LIMIT @limit)
            ) AS m
            JOIN billing.subscriptions AS s USING (subscription_key)
            ORDER BY s.subscription_key, m.rank
        ) AS found
        ORDER BY rank, customer_id, product_id
        LIMIT @limit
        """;

    public async Task<IReadOnlyList<CustomerMatch>> FindAsync(string query, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(FindSql);
        command.Parameters.Add(new NpgsqlParameter<string>("query", NpgsqlDbType.Text) { TypedValue = query });
        command.Parameters.Add(new NpgsqlParameter<string>("prefix", NpgsqlDbType.Text) { TypedValue = EscapeLike(query) + "%" });
        command.Parameters.Add(new NpgsqlParameter<int>("limit", NpgsqlDbType.Integer) { TypedValue = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var matches = new List<CustomerMatch>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            matches.Add(new CustomerMatch(
                reader.GetString(0),
                reader.GetString(1),
                Enum.Parse<SubscriptionState>(reader.GetString(2)),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(5),
                CustomerMatch.Mask(reader.IsDBNull(4) ? null : reader.GetString(4))));
        }

        return matches;
    }

    private static string EscapeLike(string value) =>
        value.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);
}
