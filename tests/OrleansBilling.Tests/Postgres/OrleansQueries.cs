using System.Data;
using Npgsql;
using OrleansBilling.Gateway.Hosting;

namespace OrleansBilling.Tests.Postgres;

/// <summary>
/// Runs the query texts registered in <c>OrleansQuery</c> directly, binding parameters with the same
/// names and <see cref="DbType"/>s Orleans' ADO.NET providers use, so races can be staged precisely.
/// </summary>
public sealed class OrleansQueries(string billingConnectionString)
{
    private readonly string _connectionString = ClusterSettings.OrleansConnectionString(billingConnectionString);

    /// <summary>Opens a connection on the Orleans search path.</summary>
    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Runs the query registered under <paramref name="key"/> on a new connection.</summary>
    public async Task<List<Dictionary<string, object?>>> RunAsync(string key, params OrleansQueryParameter[] parameters)
    {
        await using var connection = await OpenAsync();
        return await RunAsync(connection, await TextAsync(connection, key), parameters);
    }

    /// <summary>The text registered under <paramref name="key"/>.</summary>
    public static async Task<string> TextAsync(NpgsqlConnection connection, string key)
    {
        await using var command = new NpgsqlCommand("SELECT QueryText FROM OrleansQuery WHERE QueryKey = @key", connection);
        command.Parameters.AddWithValue("key", key);
        return (string?)await command.ExecuteScalarAsync() ?? throw new InvalidOperationException($"No query '{key}'.");
    }

    /// <summary>
    /// Runs <paramref name="sql"/> and returns every row by column name, case-insensitively as
    /// Orleans reads them (DBNull becomes null).
    /// </summary>
    public static async Task<List<Dictionary<string, object?>>> RunAsync(NpgsqlConnection connection, string sql, params OrleansQueryParameter[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { ParameterName = p.Name, Value = p.Value ?? DBNull.Value, DbType = p.Type });
        }

        var rows = new List<Dictionary<string, object?>>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Runs a scalar SQL statement on the Orleans search path.</summary>
    public async Task<T> ScalarAsync<T>(string sql, params OrleansQueryParameter[] parameters)
    {
        await using var connection = await OpenAsync();
        var rows = await RunAsync(connection, sql, parameters);
        return (T)rows.Single().Values.Single()!;
    }
}
