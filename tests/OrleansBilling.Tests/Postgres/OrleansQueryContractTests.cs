using System.Data;
using System.Globalization;
using System.Text;
using OrleansBilling.Tests.Infrastructure;
using Xunit;
using P = OrleansBilling.Tests.Postgres.OrleansQueryParameter;

namespace OrleansBilling.Tests.Postgres;

/// <summary>
/// The registered Orleans queries under contention, run directly with Orleans' parameter names and
/// types: conditional writes are all-or-nothing and exactly one of several racing writers wins.
/// </summary>
[Trait(TestKind.Trait, TestKind.Postgres)]
public sealed class OrleansQueryContractTests(PostgresServer server)
{
    private const int Racers = 8;
    private const int Active = 3;
    private const int Dead = 6;

    [Fact]
    public async Task Racing_first_writes_of_one_grain_state_let_exactly_one_writer_win()
    {
        var queries = new OrleansQueries(await MigratedDatabase.CreateAsync(server, "contract_insert_race"));

        var results = await RaceAsync(queries, "WriteToStorageKey", i => StorageParameters("t/race", version: null, payload: $"writer {i}"));

        Assert.Equal([1], results.Where(v => v is not null).Select(v => Convert.ToInt32(v, CultureInfo.InvariantCulture)));
        Assert.Equal(Racers - 1, results.Count(v => v is null));
        Assert.Equal(1L, await queries.ScalarAsync<long>("SELECT count(*) FROM OrleansStorage"));
    }

    [Fact]
    public async Task Racing_writes_with_the_same_version_let_exactly_one_writer_win()
    {
        var queries = new OrleansQueries(await MigratedDatabase.CreateAsync(server, "contract_update_race"));
        await queries.RunAsync("WriteToStorageKey", StorageParameters("t/race", version: null, payload: "first"));

        var results = await RaceAsync(queries, "WriteToStorageKey", i => StorageParameters("t/race", version: 1, payload: $"writer {i}"));

        var winner = Assert.Single(Enumerable.Range(0, Racers), i => results[i] is not null);
        Assert.Equal(2, Convert.ToInt32(results[winner], CultureInfo.InvariantCulture));
        var stored = (await queries.RunAsync("ReadFromStorageKey", StorageParameters("t/race", null, null))).Single();
        Assert.Equal($"writer {winner}", Encoding.UTF8.GetString((byte[])stored["PayloadBinary"]!));
        Assert.Equal(2, stored["Version"]);
    }

    [Fact]
    public async Task Storage_writes_clears_and_deletes_answer_null_on_a_version_conflict_and_change_nothing()
    {
        var queries = new OrleansQueries(await MigratedDatabase.CreateAsync(server, "contract_storage_conflicts"));
        Assert.Equal(1, (await queries.RunAsync("WriteToStorageKey", StorageParameters("t/c", null, "v1"))).Single()["NewGrainStateVersion"]);

        Assert.Null((await queries.RunAsync("WriteToStorageKey", StorageParameters("t/c", null, "again"))).Single()["NewGrainStateVersion"]);
        Assert.Null((await queries.RunAsync("WriteToStorageKey", StorageParameters("t/c", 7, "stale"))).Single()["NewGrainStateVersion"]);
        Assert.Null((await queries.RunAsync("ClearStorageKey", StorageParameters("t/c", 7, null))).Single()["NewGrainStateVersion"]);
        Assert.Null((await queries.RunAsync("DeleteStorageKey", StorageParameters("t/c", 7, null))).Single()["NewGrainStateVersion"]);
        // A key that was never written conflicts too (exactly one row, NULL), rather than answering nothing.
        Assert.Null((await queries.RunAsync("WriteToStorageKey", StorageParameters("t/other", 1, "x"))).Single()["NewGrainStateVersion"]);

        var stored = (await queries.RunAsync("ReadFromStorageKey", StorageParameters("t/c", null, null))).Single();
        Assert.Equal("v1", Encoding.UTF8.GetString((byte[])stored["PayloadBinary"]!));
        Assert.Equal(1, stored["Version"]);

        Assert.Equal(2, (await queries.RunAsync("ClearStorageKey", StorageParameters("t/c", 1, null))).Single()["NewGrainStateVersion"]);
        var cleared = (await queries.RunAsync("ReadFromStorageKey", StorageParameters("t/c", null, null))).Single();
        Assert.Null(cleared["PayloadBinary"]);
        Assert.Equal(2, cleared["Version"]);

        Assert.Equal(3L, (await queries.RunAsync("DeleteStorageKey", StorageParameters("t/c", 2, null))).Single()["NewGrainStateVersion"]);
        Assert.Empty(await queries.RunAsync("ReadFromStorageKey", StorageParameters("t/c", null, null)));
    }

    [Fact]
    public async Task Membership_insert_is_all_or_nothing_for_stale_versions_and_duplicate_silos()
    {
        var queries = new OrleansQueries(await MigratedDatabase.CreateAsync(server, "contract_membership"));
        const string cluster = "c1";

        Assert.True(await BoolAsync(queries, "InsertMembershipVersionKey", new P("DeploymentId", cluster, DbType.String)));
        Assert.False(await BoolAsync(queries, "InsertMembershipVersionKey", new P("DeploymentId", cluster, DbType.String)));

        Assert.True(await BoolAsync(queries, "InsertMembershipKey", MemberParameters(cluster, 11111, Active, version: 0)));
        Assert.False(await BoolAsync(queries, "InsertMembershipKey", MemberParameters(cluster, 11112, Active, version: 0)));
        Assert.False(await BoolAsync(queries, "InsertMembershipKey", MemberParameters(cluster, 11111, Active, version: 1)));

        var all = await queries.RunAsync("MembershipReadAllKey", new P("DeploymentId", cluster, DbType.String));
        var member = Assert.Single(all);
        Assert.Equal(1, member["Version"]);
        Assert.Equal(11111, member["Port"]);
        Assert.Equal("silo-11111", member["SiloName"]);
    }

    [Fact]
    public async Task Racing_silos_joining_with_the_same_table_version_let_exactly_one_in()
    {
        var queries = new OrleansQueries(await MigratedDatabase.CreateAsync(server, "contract_membership_race"));
        const string cluster = "c1";
        await BoolAsync(queries, "InsertMembershipVersionKey", new P("DeploymentId", cluster, DbType.String));

        var results = await RaceAsync(queries, "InsertMembershipKey", i => MemberParameters(cluster, 20000 + i, Active, version: 0));

        Assert.Single(results, r => r is true);
        Assert.Equal(1L, await queries.ScalarAsync<long>("SELECT count(*) FROM OrleansMembershipTable"));
        Assert.Equal(1, await queries.ScalarAsync<int>("SELECT Version FROM OrleansMembershipVersionTable"));
    }

    [Fact]
    public async Task Membership_updates_bump_the_version_only_with_the_member_while_heartbeats_never_do()
    {
        var queries = new OrleansQueries(await MigratedDatabase.CreateAsync(server, "contract_membership_update"));
        const string cluster = "c1";
        await BoolAsync(queries, "InsertMembershipVersionKey", new P("DeploymentId", cluster, DbType.String));
        await BoolAsync(queries, "InsertMembershipKey", MemberParameters(cluster, 11111, Active, version: 0));

        Assert.False(await BoolAsync(queries, "UpdateMembershipKey", UpdateParameters(cluster, 11111, Dead, version: 0)));
        Assert.False(await BoolAsync(queries, "UpdateMembershipKey", UpdateParameters(cluster, 19999, Dead, version: 1)));
        Assert.Equal(1, await queries.ScalarAsync<int>("SELECT Version FROM OrleansMembershipVersionTable"));

        await queries.RunAsync("UpdateIAmAlivetimeKey",
            new P("DeploymentId", cluster, DbType.String), new P("Address", "127.0.0.1", DbType.AnsiString),
            new P("Port", 11111, DbType.Int32), new P("Generation", 1, DbType.Int32),
            new P("IAmAliveTime", DateTime.UtcNow.AddMinutes(1), DbType.DateTime));
        Assert.Equal(1, await queries.ScalarAsync<int>("SELECT Version FROM OrleansMembershipVersionTable"));

        Assert.True(await BoolAsync(queries, "UpdateMembershipKey", UpdateParameters(cluster, 11111, Dead, version: 1)));
        Assert.Equal(2, await queries.ScalarAsync<int>("SELECT Version FROM OrleansMembershipVersionTable"));
        Assert.Equal(Dead, await queries.ScalarAsync<int>("SELECT Status FROM OrleansMembershipTable"));

        var gateways = await queries.RunAsync("GatewaysQueryKey",
            new P("DeploymentId", cluster, DbType.String), new P("Status", Active, DbType.Int32));
        Assert.Empty(gateways);
    }

    private static async Task<object?[]> RaceAsync(OrleansQueries queries, string key, Func<int, P[]> parameters)
    {
        // Connections are opened first so the statements themselves start together.
        var connections = await Task.WhenAll(Enumerable.Range(0, Racers).Select(_ => queries.OpenAsync()));
        try
        {
            var sql = await OrleansQueries.TextAsync(connections[0], key);
            using var start = new ManualResetEventSlim();
            var racers = Enumerable.Range(0, Racers).Select(i => Task.Run(async () =>
            {
                start.Wait();
                return (await OrleansQueries.RunAsync(connections[i], sql, parameters(i))).Single().Values.First();
            })).ToArray();
            start.Set();
            return await Task.WhenAll(racers);
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private static async Task<bool> BoolAsync(OrleansQueries queries, string key, params P[] parameters)
    {
        var row = Assert.Single(await queries.RunAsync(key, parameters));
        // Orleans requires exactly one column and reads it with Convert.ToBoolean.
        return Convert.ToBoolean(Assert.Single(row).Value, CultureInfo.InvariantCulture);
    }

    private static P[] StorageParameters(string key, int? version, string? payload) =>
    [
        new("GrainIdHash", key.Sum(c => c), DbType.Int32),
        new("GrainIdN0", 0L, DbType.Int64),
        new("GrainIdN1", 0L, DbType.Int64),
        new("GrainTypeHash", 42, DbType.Int32),
        new("GrainTypeString", "t-state", DbType.String),
        new("GrainIdExtensionString", key, DbType.String),
        new("ServiceId", "svc", DbType.String),
        new("GrainStateVersion", version, DbType.Int32),
        new("PayloadBinary", payload is null ? null : Encoding.UTF8.GetBytes(payload), DbType.Binary),
    ];

    private static P[] MemberParameters(string cluster, int port, int status, int version) =>
    [
        new("DeploymentId", cluster, DbType.String),
        new("Address", "127.0.0.1", DbType.AnsiString),
        new("Port", port, DbType.Int32),
        new("Generation", 1, DbType.Int32),
        new("SiloName", $"silo-{port}", DbType.String),
        new("HostName", "test-host", DbType.String),
        new("Status", status, DbType.Int32),
        new("ProxyPort", port + 10000, DbType.Int32),
        new("StartTime", DateTime.UtcNow, DbType.DateTime),
        new("IAmAliveTime", DateTime.UtcNow, DbType.DateTime),
        new("Version", version, DbType.Int32),
    ];

    private static P[] UpdateParameters(string cluster, int port, int status, int version) =>
    [
        new("DeploymentId", cluster, DbType.String),
        new("Address", "127.0.0.1", DbType.AnsiString),
        new("Port", port, DbType.Int32),
        new("Generation", 1, DbType.Int32),
        new("Status", status, DbType.Int32),
        new("SuspectTimes", null, DbType.String),
        new("IAmAliveTime", DateTime.UtcNow, DbType.DateTime),
        new("Version", version, DbType.Int32),
    ];
}
