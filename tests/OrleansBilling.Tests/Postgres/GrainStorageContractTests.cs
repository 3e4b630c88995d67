using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Storage;
using OrleansBilling.Gateway.Hosting;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Postgres;

/// <summary>Orleans' ADO.NET grain storage on the migrated PostgreSQL database, through the real provider.</summary>
[Trait(TestKind.Trait, TestKind.Postgres)]
public sealed class GrainStorageContractTests(OrleansPostgresClusterFixture fixture) : IClassFixture<OrleansPostgresClusterFixture>
{
    private const string ConflictStateName = "t-conflict-state";

    [Fact]
    public async Task State_written_by_a_grain_is_read_back_after_deactivation_as_plain_json()
    {
        var grain = fixture.Cluster.Client.GetGrain<ICounterGrain>("t/1");
        await grain.Add(5);
        await grain.Add(2);

        await fixture.Cluster.DeactivateAsync(grain);

        Assert.Equal(7, await grain.GetValue());
        var (payload, version) = await ReadRowAsync(CounterGrain.StateName, "t/1");
        Assert.Equal(2, version);
        using var json = JsonDocument.Parse(payload!);
        var value = json.RootElement.EnumerateObject().Single(p => p.NameEquals("Value") || p.NameEquals("value")).Value;
        Assert.Equal(7, value.GetInt32());
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_is_refused_with_InconsistentStateException()
    {
        var storage = fixture.SiloServices.GetRequiredKeyedService<IGrainStorage>(PostgresSiloConfiguration.StorageName);
        var grainId = GrainId.Create("t-conflict", "t/stale");
        var original = new GrainState<CounterState>(new CounterState { Value = 1 });
        await storage.WriteStateAsync(ConflictStateName, grainId, original);

        var first = new GrainState<CounterState>(new CounterState { Value = 2 }, original.ETag);
        var second = new GrainState<CounterState>(new CounterState { Value = 3 }, original.ETag);
        await storage.WriteStateAsync(ConflictStateName, grainId, first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(ConflictStateName, grainId, second));
        var read = new GrainState<CounterState>();
        await storage.ReadStateAsync(ConflictStateName, grainId, read);
        Assert.NotNull(read.State);
        Assert.Equal(2, read.State.Value);
        Assert.Equal(first.ETag, read.ETag);
    }

    [Fact]
    public async Task A_second_first_write_of_the_same_state_is_refused_like_a_double_activation()
    {
        var storage = fixture.SiloServices.GetRequiredKeyedService<IGrainStorage>(PostgresSiloConfiguration.StorageName);
        var grainId = GrainId.Create("t-conflict", "t/double");

        await storage.WriteStateAsync(ConflictStateName, grainId, new GrainState<CounterState>(new CounterState { Value = 1 }));

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.WriteStateAsync(ConflictStateName, grainId, new GrainState<CounterState>(new CounterState { Value = 9 })));
    }

    [Fact]
    public async Task Clearing_state_resets_it_and_a_stale_clear_is_refused()
    {
        var grain = fixture.Cluster.Client.GetGrain<ICounterGrain>("t/clear");
        await grain.Add(3);

        await grain.Clear();

        Assert.Equal(0, await grain.GetValue());
        await fixture.Cluster.DeactivateAsync(grain);
        Assert.Equal(0, await grain.GetValue());
        Assert.Equal(4, await grain.Add(4));
        var (_, version) = await ReadRowAsync(CounterGrain.StateName, "t/clear");
        Assert.Equal(3, version);

        var storage = fixture.SiloServices.GetRequiredKeyedService<IGrainStorage>(PostgresSiloConfiguration.StorageName);
        var stale = new GrainState<CounterState>(new CounterState(), "1") { RecordExists = true };
        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.ClearStateAsync(CounterGrain.StateName, GrainId.Create(CounterGrain.GrainTypeName, "t/clear"), stale));
    }

    [Fact]
    public async Task With_DeleteStateOnClear_a_clear_removes_the_row_and_the_state_can_be_written_again()
    {
        var storage = fixture.SiloServices.GetRequiredKeyedService<IGrainStorage>(OrleansPostgresClusterFixture.DeleteOnClearStorageName);
        var grainId = GrainId.Create("t-delete", "t/delete");
        var state = new GrainState<CounterState>(new CounterState { Value = 1 });
        await storage.WriteStateAsync("t-delete-state", grainId, state);

        await storage.ClearStateAsync("t-delete-state", grainId, state);

        Assert.Null((await ReadRowAsync("t-delete-state", "t/delete")).Version);
        state.State = new CounterState { Value = 5 };
        await storage.WriteStateAsync("t-delete-state", grainId, state);
        Assert.Equal(1, (await ReadRowAsync("t-delete-state", "t/delete")).Version);
    }

    [Fact]
    public async Task Rows_are_keyed_by_state_name_and_the_whole_string_key()
    {
        var storage = fixture.SiloServices.GetRequiredKeyedService<IGrainStorage>(PostgresSiloConfiguration.StorageName);
        (string State, string Key, int Value)[] rows =
        [
            ("t-keys-a", "t/1", 1), ("t-keys-b", "t/1", 2), ("t-keys-a", "t/10", 3), ("t-keys-a", "T/1", 4),
        ];

        foreach (var (stateName, key, value) in rows)
        {
            await storage.WriteStateAsync(stateName, GrainId.Create("t-keys", key), new GrainState<CounterState>(new CounterState { Value = value }));
        }

        foreach (var (stateName, key, value) in rows)
        {
            var read = new GrainState<CounterState>();
            await storage.ReadStateAsync(stateName, GrainId.Create("t-keys", key), read);
            Assert.NotNull(read.State);
            Assert.Equal(value, read.State.Value);
            Assert.Equal("1", read.ETag);
        }
    }

    private async Task<(string? Payload, int? Version)> ReadRowAsync(string stateName, string key)
    {
        await using var connection = new NpgsqlConnection(ClusterSettings.OrleansConnectionString(fixture.ConnectionString));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT PayloadBinary, Version FROM OrleansStorage WHERE GrainTypeString = @state AND GrainIdExtensionString = @key", connection);
        command.Parameters.AddWithValue("state", stateName);
        command.Parameters.AddWithValue("key", key);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return (null, null);
        }

        var payload = reader.IsDBNull(0) ? null : Encoding.UTF8.GetString((byte[])reader.GetValue(0));
        return (payload, reader.GetInt32(1));
    }
}
