using Npgsql;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Staff;
using OrleansBilling.Grains.ReadModel;
using OrleansBilling.Grains.Staff;
using OrleansBilling.Silo.Database;
using OrleansBilling.Silo.ReadModel;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Postgres;

/// <summary>
/// The console's stores, PostgreSQL's and the in-memory local default's held to one contract: the search finds a
/// customer by every kind of id and shows the address masked; the audit trail keeps one record per id, numbered in the
/// order written, filtered and paged newest first; PostgreSQL refuses to change or delete a record.
/// </summary>
[Trait(TestKind.Trait, TestKind.Postgres)]
public sealed class StaffAuditAndSearchStoreTests(ReadModelDatabaseFixture fixture) : IClassFixture<ReadModelDatabaseFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Stores => ["postgres", "memory"];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task The_search_finds_a_customer_by_every_kind_of_id(string store)
    {
        var (writer, search) = SearchOf(store);
        var run = Guid.NewGuid().ToString("N")[..10];
        await writer.WriteAsync(Row($"crm_{run}", $"alice_{run}", $"Alice.{run}@Example.com", $"cus_{run}", $"sub_{run}", [$"in_open{run}", $"in_paid{run}"]), [], Cancellation);
        await writer.WriteAsync(Row($"chat_{run}", $"alice_{run}x", null, null, null, []), [], Cancellation);
        await writer.WriteAsync(Row($"crm_{run}", $"bob_{run}", null, null, null, []), [], Cancellation);
        await writer.WriteAsync(Row($"crm_{run}", $"bobx{run}", null, null, null, []), [], Cancellation);

        async Task<string[]> Find(string query) =>
            [.. (await search.FindAsync(query, 20, Cancellation)).Select(m => $"{m.ProductId}/{m.CustomerId} {m.MatchedOn}")];

        // The id itself first, then ids that begin with it; the exact one is never cut by the limit.
        Assert.Equal([$"crm_{run}/alice_{run} customer id", $"chat_{run}/alice_{run}x customer id"], await Find($"alice_{run}"));
        Assert.Equal($"alice_{run}", Assert.Single(await search.FindAsync($"alice_{run}", 1, Cancellation)).CustomerId);
        Assert.Equal([$"crm_{run}/alice_{run} email"], await Find($"alice.{run}@example.COM"));
        Assert.Equal([$"crm_{run}/alice_{run} Stripe customer"], await Find($"cus_{run}"));
        Assert.Equal([$"crm_{run}/alice_{run} Stripe subscription"], await Find($"sub_{run}"));
        Assert.Equal([$"crm_{run}/alice_{run} invoice"], await Find($"in_paid{run}"));

        // '_' is a customer id's character, not a wildcard.
        Assert.Equal([$"crm_{run}/bob_{run} customer id"], await Find($"bob_{run}"));
        Assert.Empty(await Find($"alice.{run}@example"));

        var match = Assert.Single(await search.FindAsync($"cus_{run}", 20, Cancellation));
        Assert.Equal("A•••@E•••.com", match.MaskedEmail);
        Assert.Equal(SubscriptionState.Active, match.State);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task The_audit_trail_keeps_each_record_once_newest_first_filtered_and_paged(string store)
    {
        var trail = TrailOf(store);
        var customer = $"c_{Guid.NewGuid():N}";
        var granted = Record("ada", "grant-override", customer, AuditOutcome.Succeeded);
        var viewed = Record("sam", "view-customer", customer, AuditOutcome.Viewed);
        var refused = Record("sam", "refund", customer, AuditOutcome.Forbidden);
        await trail.AppendAsync([granted], Cancellation);
        await trail.AppendAsync([viewed, refused], Cancellation);
        await trail.AppendAsync([granted with { Detail = "a second write of the same record" }], Cancellation);

        var all = await trail.FindAsync(new AuditQuery(ProductId: "demo", CustomerId: customer), Cancellation);
        Assert.Equal([refused.Id, viewed.Id, granted.Id], all.Select(r => r.Id));
        Assert.Equal("written once", all[2].Detail);
        Assert.True(all[0].Sequence > all[1].Sequence && all[1].Sequence > all[2].Sequence);
        Assert.Equal(granted with { Sequence = all[2].Sequence }, all[2]);

        Assert.Equal([refused.Id, viewed.Id], (await trail.FindAsync(new AuditQuery(Person: "sam", CustomerId: customer), Cancellation)).Select(r => r.Id));
        Assert.Equal([refused.Id], (await trail.FindAsync(new AuditQuery(Action: "refund", CustomerId: customer), Cancellation)).Select(r => r.Id));
        Assert.Equal([viewed.Id], (await trail.FindAsync(new AuditQuery(CustomerId: customer, Before: all[0].Sequence, Limit: 1), Cancellation)).Select(r => r.Id));
        Assert.Empty(await trail.FindAsync(new AuditQuery(Person: "lee", CustomerId: customer), Cancellation));
    }

    [Theory]
    [InlineData("UPDATE billing.staff_audit SET outcome = 'Succeeded' WHERE id = @id")]
    [InlineData("DELETE FROM billing.staff_audit WHERE id = @id")]
    public async Task PostgreSQL_refuses_to_change_or_remove_an_audit_record(string sql)
    {
        var record = Record("sam", "refund", $"c_{Guid.NewGuid():N}", AuditOutcome.Forbidden);
        await TrailOf("postgres").AppendAsync([record], Cancellation);

        await using var command = fixture.DataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("id", record.Id);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync(Cancellation));
        Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
        Assert.Single(await TrailOf("postgres").FindAsync(new AuditQuery(CustomerId: record.CustomerId), Cancellation));
    }

    private (IReadModelWriter Writer, ICustomerSearch Search) SearchOf(string store)
    {
        if (store == "postgres")
        {
            return (fixture.Writer, new PostgresCustomerSearch(fixture.DataSource));
        }

        var memory = new InMemoryReadModelWriter();
        return (memory, memory);
    }

    private IStaffAuditTrail TrailOf(string store) =>
        store == "postgres" ? new PostgresStaffAuditTrail(fixture.DataSource) : memoryTrail;

    private readonly InMemoryStaffAuditTrail memoryTrail = new();

    private static AuditRecord Record(string person, string action, string customer, AuditOutcome outcome) =>
        new(AuditRecord.NewId(), Now, person, person == "ada" ? StaffRole.Admin : StaffRole.Support, action, "demo", customer, "asked by the customer", outcome, "written once");

    private static SubscriptionRow Row(string product, string customer, string? email, string? providerCustomer, string? providerSubscription, string[] invoices) =>
        new(BillingIds.SubscriptionKey(product, customer), product, customer, SubscriptionState.Active, "pro", Now.AddDays(20), email,
            providerCustomer, providerSubscription, 1, Now, InvoiceIds: invoices);
}
