using System.Net.Http.Json;
using System.Text.Json;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Tests.Http;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Postgres;

/// <summary>
/// The typed record in PostgreSQL answers "what did this customer pay, from when, and who changed it"
/// without asking Stripe: every entry names its actor, the ones that move the price carry the terms
/// before and after, and payments carry their money.
/// </summary>
[Trait(TestKind.Trait, TestKind.Postgres)]
public sealed class HistoryOnPostgresTests(PostgresServer server)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_record_says_what_the_customer_paid_from_when_and_who_changed_it()
    {
        var connectionString = await server.CreateDatabaseAsync("history_record");
        await using var service = new PostgresBillingService(connectionString, "history-" + Guid.NewGuid().ToString("N")[..8]);
        await service.InitializeAsync();
        using var api = service.Client();
        using var admin = await service.StaffAsync("sam");
        var grain = service.Grains.GetGrain<ISubscriptionGrain>(BillingIds.SubscriptionKey("demo", "hist_1"));
        var start = service.Clock.GetUtcNow();

        (await api.PostJsonAsync("/v1/checkout", BillingApi.Checkout("hist_1"))).EnsureSuccessStatusCode();
        await grain.ApplyProviderEvent(new ProviderEvent(
            "evt_hist_on", ProviderEventKind.SubscriptionActivated, start, ProviderSubscriptionId: "sub_hist_1", PlanId: "basic", PeriodStart: start, PeriodEnd: start.AddMonths(1)));
        await grain.ApplyProviderEvent(new ProviderEvent(
            "evt_hist_paid", ProviderEventKind.Fact, start, ProviderSubscriptionId: "sub_hist_1", Fact: HistoryFact.InvoicePaid, InvoiceId: "in_hist_1",
            Detail: "invoice=in_hist_1", AmountMinor: 900, Currency: "usd"));
        service.Clock.Advance(TimeSpan.FromDays(10));
        (await api.PostJsonAsync("/v1/customers/hist_1/subscription/plan", new { plan = "pro" })).EnsureSuccessStatusCode();
        (await admin.PostJsonAsync("/admin/v1/products/demo/customers/hist_1/overrides", new { feature = "sso", value = true, reason = "pilot", expiresAt = start.AddDays(40) })).EnsureSuccessStatusCode();

        List<JsonElement> record = [];
        await Poll.UntilAsync(
            async () => (record = await HistoryAsync(admin)).Any(e => e.GetProperty("name").GetString() == "OverrideGranted"),
            Patience,
            "the whole record in PostgreSQL");

        var activated = record.Single(e => e.GetProperty("name").GetString() == "Activated");
        Assert.Equal("stripe:evt_hist_on", activated.GetProperty("actor").GetString());
        Assert.Equal(900, activated.GetProperty("termsAfter").GetProperty("unitAmountMinor").GetInt64());
        var paid = record.Single(e => e.GetProperty("name").GetString() == "InvoicePaid");
        Assert.Equal((900, "usd"), (paid.GetProperty("amount").GetProperty("amountMinor").GetInt64(), paid.GetProperty("amount").GetProperty("currency").GetString()));
        var changed = record.Single(e => e.GetProperty("name").GetString() == "PlanChanged");
        Assert.Equal("api:demo", changed.GetProperty("actor").GetString());
        Assert.Equal(start.AddDays(10), changed.GetProperty("occurredAt").GetDateTimeOffset());
        Assert.Equal(("basic", 900L), (changed.GetProperty("termsBefore").GetProperty("planId").GetString(), changed.GetProperty("termsBefore").GetProperty("unitAmountMinor").GetInt64()));
        Assert.Equal(("pro", 2900L), (changed.GetProperty("termsAfter").GetProperty("planId").GetString(), changed.GetProperty("termsAfter").GetProperty("unitAmountMinor").GetInt64()));
        Assert.Equal("admin:sam", record.Single(e => e.GetProperty("name").GetString() == "OverrideGranted").GetProperty("actor").GetString());
        Assert.Equal(Enumerable.Range(1, record.Count).Reverse().Select(i => (long)i), record.Select(e => e.GetProperty("sequence").GetInt64()));
        Assert.Empty(service.Payments.CallsNamed("get_subscription"));
    }

    private static async Task<List<JsonElement>> HistoryAsync(HttpClient admin) =>
        [.. (await admin.GetFromJsonAsync<JsonElement>("/admin/v1/products/demo/customers/hist_1/history", Cancel)).EnumerateArray()];
}
