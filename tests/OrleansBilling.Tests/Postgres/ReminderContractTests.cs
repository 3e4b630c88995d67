using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrleansBilling.Gateway.Hosting;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Postgres;

/// <summary>Orleans' ADO.NET reminder table on the migrated PostgreSQL database, through the real provider.</summary>
[Trait(TestKind.Trait, TestKind.Postgres)]
public sealed class ReminderContractTests(OrleansPostgresClusterFixture fixture) : IClassFixture<OrleansPostgresClusterFixture>
{
    [Fact]
    public async Task A_reminder_is_registered_read_back_updated_and_unregistered()
    {
        var grain = fixture.Cluster.Client.GetGrain<IReminderProbeGrain>("t/r1");
        var grainId = $"{ReminderProbeGrain.GrainTypeName}/t/r1";

        await grain.Register("dunning", TimeSpan.FromHours(1));
        Assert.True(await grain.Exists("dunning"));
        Assert.Equal(["dunning"], await grain.GetNames());
        Assert.Equal((3_600_000L, 0), await ReadRowAsync(grainId, "dunning"));

        await grain.Register("dunning", TimeSpan.FromHours(2));
        await grain.Register("win-back", TimeSpan.FromDays(1));
        Assert.True(await grain.Exists("dunning"));
        Assert.Equal(["dunning", "win-back"], await grain.GetNames());
        Assert.Equal((7_200_000L, 1), await ReadRowAsync(grainId, "dunning"));

        await grain.Unregister("dunning");
        Assert.False(await grain.Exists("dunning"));
        Assert.Equal(["win-back"], await grain.GetNames());
        Assert.Null(await ReadRowAsync(grainId, "dunning"));
        await grain.Unregister("win-back");
    }

    [Fact]
    public async Task Range_reads_cover_the_ring_exactly_once_including_wrapping_and_signed_boundaries()
    {
        var table = fixture.SiloServices.GetRequiredService<IReminderTable>();
        var ids = Enumerable.Range(0, 40).Select(i => GrainId.Create("t-range", $"t/range-{i}")).ToArray();
        foreach (var id in ids)
        {
            // Due far in the future: the reminder service must not try to deliver these.
            await table.UpsertRow(new ReminderEntry { GrainId = id, ReminderName = "r", StartAt = DateTime.UtcNow.AddDays(30), Period = TimeSpan.FromHours(1) }, TestContext.Current.CancellationToken);
        }

        // Cut points chosen so one range crosses 0x80000000 (the signed wrap) and one crosses 0 (the ring's end).
        uint[] cuts = [0x2000_0000, 0x7000_0000, 0xA000_0000, 0xE000_0000];
        var expected = ids.Select(id => id.ToString()).Order(StringComparer.Ordinal).ToArray();
        var seen = new List<string>();
        for (var i = 0; i < cuts.Length; i++)
        {
            var data = await table.ReadRows(cuts[i], cuts[(i + 1) % cuts.Length], TestContext.Current.CancellationToken);
            seen.AddRange(data.Reminders.Where(r => r.GrainId.Type.ToString() == "t-range").Select(r => r.GrainId.ToString()));
        }

        Assert.Equal(expected, seen.Order(StringComparer.Ordinal));
        var whole = await table.ReadRows(0x1234_5678, 0x1234_5678, TestContext.Current.CancellationToken);
        Assert.Equal(expected, whole.Reminders.Where(r => r.GrainId.Type.ToString() == "t-range").Select(r => r.GrainId.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_reminder_row_is_removed_only_with_its_current_etag()
    {
        var table = fixture.SiloServices.GetRequiredService<IReminderTable>();
        var id = GrainId.Create("t-etag", "t/etag");
        var cancellation = TestContext.Current.CancellationToken;
        var first = await table.UpsertRow(new ReminderEntry { GrainId = id, ReminderName = "r", StartAt = DateTime.UtcNow.AddDays(30), Period = TimeSpan.FromMinutes(5) }, cancellation);
        var second = await table.UpsertRow(new ReminderEntry { GrainId = id, ReminderName = "r", StartAt = DateTime.UtcNow.AddDays(31), Period = TimeSpan.FromMinutes(6) }, cancellation);
        Assert.NotNull(first);
        Assert.NotNull(second);

        Assert.False(await table.RemoveRow(id, "r", first, cancellation));
        var row = await table.ReadRow(id, "r", cancellation);
        Assert.NotNull(row);
        Assert.Equal(second, row.ETag);
        Assert.Equal(TimeSpan.FromMinutes(6), row.Period);
        Assert.Equal(DateTimeKind.Utc, row.StartAt.Kind);

        Assert.True(await table.RemoveRow(id, "r", second, cancellation));
        Assert.Empty((await table.ReadRows(id, cancellation)).Reminders);
    }

    private async Task<(long Period, int Version)?> ReadRowAsync(string grainId, string name)
    {
        await using var connection = new NpgsqlConnection(ClusterSettings.OrleansConnectionString(fixture.ConnectionString));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT Period, Version FROM OrleansRemindersTable WHERE GrainId = @grain AND ReminderName = @name", connection);
        command.Parameters.AddWithValue("grain", grainId);
        command.Parameters.AddWithValue("name", name);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetInt64(0), reader.GetInt32(1)) : null;
    }
}
