using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrleansBilling.Gateway;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Payments;
using OrleansBilling.Grains.Usage;
using OrleansBilling.Silo.Database;
using OrleansBilling.Tests.Http;
using OrleansBilling.Tests.Infrastructure;
using OrleansBilling.GrainInterfaces.Staff;
using Xunit;

namespace OrleansBilling.Tests.Postgres;

/// <summary>The real hosts on PostgreSQL: restarts, two silos, and the standalone gateway, over HTTP.</summary>
[Trait(TestKind.Trait, TestKind.Postgres)]
public sealed class ServiceOnPostgresTests(PostgresServer server)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly object CheckoutBody = new { customerId = "cust_pg", plan = "basic", successUrl = "https://app.test/ok", cancelUrl = "https://app.test/no", email = "pg@example.com" };

    [Fact]
    public async Task A_subscription_and_its_read_model_survive_a_full_restart_of_the_service()
    {
        var connectionString = await server.CreateDatabaseAsync("service_restart");
        var clusterId = "restart-" + Guid.NewGuid().ToString("N")[..8];

        await using (var first = new PostgresBillingService(connectionString, clusterId))
        {
            await first.InitializeAsync();
            using var client = first.Client();
            (await client.PostAsJsonAsync("/v1/checkout", CheckoutBody, Cancel)).EnsureSuccessStatusCode();
            var outcome = await first.Grains.GetGrain<ISubscriptionGrain>(BillingIds.SubscriptionKey("demo", "cust_pg"))
                .ApplyProviderEvent(new ProviderEvent("evt_pg_1", ProviderEventKind.SubscriptionActivated, first.Clock.GetUtcNow(), ProviderSubscriptionId: "sub_pg", PlanId: "basic", PeriodEnd: first.Clock.GetUtcNow().AddMonths(1)));
            Assert.Equal(EventOutcomeKind.Applied, outcome.Kind);
            await Poll.UntilAsync(async () => await ReadModelState(connectionString, "demo/cust_pg") == "Active", Patience, "the read model to show Active");
        }

        await using var second = new PostgresBillingService(connectionString, clusterId);
        await second.InitializeAsync();
        using var again = second.Client();
        var subscription = await again.GetFromJsonAsync<JsonElement>("/v1/customers/cust_pg/subscription", Cancel);

        Assert.Equal("Active", subscription.GetProperty("state").GetString());
        Assert.Equal("basic", subscription.GetProperty("planId").GetString());
        Assert.Equal(
            ["Activated", "CheckoutStarted"],
            subscription.GetProperty("recentHistory").EnumerateArray().Select(e => e.GetProperty("name").GetString()));
        Assert.Equal(["CheckoutStarted", "Activated"], await ReadModelHistory(connectionString, "demo/cust_pg"));
    }

    [Fact]
    public async Task A_refund_is_recorded_to_the_cent_and_its_repeat_after_a_restart_refunds_nothing_more()
    {
        var connectionString = await server.CreateDatabaseAsync("refund_restart");
        var clusterId = "refund-" + Guid.NewGuid().ToString("N")[..8];
        var refund = new { invoice = "in_pgRefund1", amount = 1234, reason = "Charged for a month not used" };
        string refundId;
        string staffToken;

        await using (var first = new PostgresBillingService(connectionString, clusterId))
        {
            await first.InitializeAsync();
            using var client = first.Client();
            (await client.PostAsJsonAsync("/v1/checkout", CheckoutBody, Cancel)).EnsureSuccessStatusCode();
            await first.Grains.GetGrain<ISubscriptionGrain>(BillingIds.SubscriptionKey("demo", "cust_pg"))
                .ApplyProviderEvent(new ProviderEvent("evt_pg_1", ProviderEventKind.SubscriptionActivated, first.Clock.GetUtcNow(), ProviderSubscriptionId: "sub_pg", PlanId: "basic", PeriodEnd: first.Clock.GetUtcNow().AddMonths(1)));
            var stripeCustomer = first.Payments.CustomersOf["demo/cust_pg"];
            first.Payments.Payments["ch_pgRefund1"] = new RefundablePayment("ch_pgRefund1", stripeCustomer, "in_pgRefund1", 2900, 0, "usd");

            using (var bootstrap = first.Client(apiKey: BillingService.AdminKey))
            {
                staffToken = await bootstrap.IssueStaffTokenAsync("ada", StaffRole.Finance);
            }

            using var admin = first.Client(apiKey: staffToken);
            using var response = await admin.PostJsonAsync("/admin/v1/products/demo/customers/cust_pg/refunds", refund, "refund-pg-1");
            var view = await response.ReadOkAsync();
            refundId = view.GetProperty("refundId").GetString()!;
            Assert.Equal((1234, 1666), (view.GetProperty("amountMinor").GetInt64(), view.GetProperty("remainingMinor").GetInt64()));
            await Poll.UntilAsync(async () => (await ReadModelHistory(connectionString, "demo/cust_pg")).Contains("RefundIssued"), Patience, "the refund in the read model");
        }

        await using var second = new PostgresBillingService(connectionString, clusterId);
        await second.InitializeAsync();
        // The same person after the restart: her token outlived the cluster (the staff directory is in PostgreSQL).
        using var again = second.Client(apiKey: staffToken);
        using var repeated = await again.PostJsonAsync("/admin/v1/products/demo/customers/cust_pg/refunds", refund, "refund-pg-1");

        Assert.Equal(refundId, (await repeated.ReadOkAsync()).GetProperty("refundId").GetString());
        Assert.Equal("true", repeated.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Empty(second.Payments.CallsNamed("refund"));
        Assert.Equal((1234L, "usd"), await ReadModelRefund(connectionString, "demo/cust_pg"));
    }

    [Fact]
    public async Task Two_silos_form_one_cluster_and_a_standalone_gateway_serves_the_API_through_them()
    {
        var connectionString = await server.CreateDatabaseAsync("two_silos");
        var clusterId = "pair-" + Guid.NewGuid().ToString("N")[..8];
        await using var first = new PostgresBillingService(connectionString, clusterId);
        await first.InitializeAsync();
        await using var second = new PostgresBillingService(connectionString, clusterId);
        await second.InitializeAsync();
        await Poll.UntilAsync(() => ActiveSilos(first) == 2 && ActiveSilos(second) == 2, Patience, "both silos to see two active silos");

        var gateway = GatewayHost.Build(["--urls=http://127.0.0.1:0", $"--ConnectionStrings:Billing={connectionString}", $"--Orleans:ClusterId={clusterId}", "--Stripe:WebhookSecret=whsec_gateway_test"])!;
        await using var _ = gateway;
        await gateway.StartAsync(Cancel);
        using var client = new HttpClient { BaseAddress = new Uri(gateway.Urls.First()) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", BillingService.DemoApiKey);
        await Poll.UntilAsync(async () => (await client.GetAsync("/health/ready", Cancel)).IsSuccessStatusCode, Patience, "the gateway to be ready");

        using var checkout = await client.PostAsJsonAsync("/v1/checkout", CheckoutBody, Cancel);
        var onFirstSilo = await first.Client().GetFromJsonAsync<JsonElement>("/v1/customers/cust_pg/subscription", Cancel);

        Assert.Equal(HttpStatusCode.OK, checkout.StatusCode);
        Assert.Equal("Incomplete", onFirstSilo.GetProperty("state").GetString());
        await gateway.StopAsync(Cancel);
    }

    [Fact]
    public async Task The_service_on_PostgreSQL_journals_usage_in_its_database()
    {
        var connectionString = await server.CreateDatabaseAsync("service_usage");
        var now = new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
        await using (var service = new PostgresBillingService(connectionString, "usage-" + Guid.NewGuid().ToString("N")[..8]))
        {
            await service.InitializeAsync();
            var journal = service.Services.GetRequiredService<IUsageJournal>();

            Assert.IsType<PostgresUsageJournal>(journal);
            Assert.Equal(["k1"], (await journal.AppendAsync("demo", "cust_usage", [new UsageRecord("k1", "api_calls", 1, now, now, now)], Cancel)).Keys());
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM billing.usage_events WHERE customer_id = 'cust_usage'", connection);
        Assert.Equal(1L, await command.ExecuteScalarAsync(Cancel));
    }

    [Fact]
    public async Task The_migrate_command_applies_the_migrations_and_exits()
    {
        var connectionString = await server.CreateDatabaseAsync("migrate_command");

        var exitCode = Migrations.RunCommand([$"--ConnectionStrings:Billing={connectionString}"]);

        Assert.Equal(0, exitCode);
        Assert.Null(await ReadModelState(connectionString, "demo/nobody"));
    }

    [Fact]
    public void The_migrate_command_without_a_database_says_what_is_missing_and_fails()
    {
        Assert.Equal(2, Migrations.RunCommand(["--ConnectionStrings:Billing="]));
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static int ActiveSilos(BillingService service) =>
        service.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);

    private static async Task<string?> ReadModelState(string connectionString, string key)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT state FROM billing.subscriptions WHERE subscription_key = @key", connection);
        command.Parameters.AddWithValue("key", key);
        return (string?)await command.ExecuteScalarAsync();
    }

    private static async Task<(long Amount, string Currency)> ReadModelRefund(string connectionString, string key)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT amount_minor, amount_currency FROM billing.subscription_history WHERE subscription_key = @key AND name = 'RefundIssued'", connection);
        command.Parameters.AddWithValue("key", key);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "No RefundIssued row.");
        var row = (reader.GetInt64(0), reader.GetString(1));
        Assert.False(await reader.ReadAsync(), "More than one RefundIssued row.");
        return row;
    }

    private static async Task<List<string>> ReadModelHistory(string connectionString, string key)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT name FROM billing.subscription_history WHERE subscription_key = @key ORDER BY seq", connection);
        command.Parameters.AddWithValue("key", key);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
