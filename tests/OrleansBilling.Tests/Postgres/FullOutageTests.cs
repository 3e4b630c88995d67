using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansBilling.Sandbox;
using OrleansBilling.Silo.Products;
using OrleansBilling.Tests.Sandbox;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Postgres;

/// <summary>
/// Two silo processes on one PostgreSQL, as production runs them, with Stripe and Brevo a sandbox of
/// their own that outlives both. Customers fall into dunning; one silo is killed with <c>kill -9</c>
/// while the product reads entitlements through the other (a 503 to retry, never a 500); then the
/// other is killed too, and the cluster stays down until every remaining dunning step is overdue. On
/// the cluster's return every overdue step is taken within a minute, exactly once: one email per step
/// in the mailbox, one cancel at Stripe per subscription. Real time throughout: the processes run on
/// the system clock, as in production.
/// </summary>
[Trait(TestKind.Trait, TestKind.Postgres)]
public sealed class FullOutageTests(PostgresServer server, ITestOutputHelper output)
{
    private const string ApiKey = "bk_outage_demo_key_0123456789";
    private const string AdminKey = "adm_outage_0123456789";
    private const int Customers = 4;

    /// <summary>How long after the first payment failure the remaining steps fall due (real time).</summary>
    private static readonly TimeSpan ReminderAfter = TimeSpan.FromSeconds(75);

    /// <summary>The bound the service promises: a step that fell due during an outage is taken this soon after the cluster's return.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(90);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task After_both_silos_are_killed_every_overdue_dunning_step_is_taken_within_a_minute_of_their_return_exactly_once()
    {
        var connectionString = await server.CreateDatabaseAsync("full_outage");
        var clusterId = "outage-" + Guid.NewGuid().ToString("N")[..8];
        var ports = LoopbackPorts.Take(6);
        await using var stripe = await SandboxHost.StartAsync(options =>
        {
            options.WebhookUrl = new Uri($"http://127.0.0.1:{ports[0]}/webhooks/stripe");
            options.DeliverBeforeAnswering = false;
            options.Prices.AddRange(DemoProduct.Definition.Plans.Select(p => new SandboxPrice(p.ProviderPriceId, p.Name, p.AmountMinor, p.Currency, "month")));
        });
        string[] settings =
        [
            $"--ConnectionStrings:Billing={connectionString}",
            $"--Orleans:ClusterId={clusterId}",
            "--Orleans:AdvertisedIP=127.0.0.1",
            "--Billing:Demo:Enabled=true",
            $"--Billing:Demo:ApiKey={ApiKey}",
            $"--Billing:AdminKey={AdminKey}",
            $"--Stripe:ApiBase={stripe.BaseUrl}/sandbox/stripe",
            "--Stripe:ApiKey=sk_test_outage",
            $"--Stripe:WebhookSecret={SandboxHost.Secret}",
            $"--Brevo:BaseUrl={stripe.BaseUrl}{OrleansBilling.Silo.Payments.SandboxMode.BrevoPath}",
            "--Brevo:ApiKey=xkeysib-outage-0123456789",
        ];
        SiloProcess Silo(string name, int http, int silo, int gateway) =>
            SiloProcess.Start(name, http, [.. settings, $"--Orleans:SiloPort={silo}", $"--Orleans:GatewayPort={gateway}"]);

        var a = Silo("a", ports[0], ports[1], ports[2]);
        var b = (SiloProcess?)null;
        try
        {
            await a.WaitReadyAsync(StartPatience);
            b = Silo("b", ports[3], ports[4], ports[5]);
            await b.WaitReadyAsync(StartPatience);
            using var api = a.Client(ApiKey);
            await SetPolicyAsync(a);
            var customers = Enumerable.Range(1, Customers).Select(i => $"out_{i}").ToList();
            var stripeIds = new Dictionary<string, (string Customer, string Subscription)>();
            foreach (var customer in customers)
            {
                stripeIds[customer] = await SubscribeAsync(api, stripe, customer);
            }

            foreach (var (stripeCustomer, _) in stripeIds.Values)
            {
                Assert.Null(await stripe.Control.ReplaceCardAsync(stripeCustomer, SandboxHost.CardThatFailsLater, cancellationToken: Cancellation));
            }

            // The renewal fails for everyone: dunning starts on the silos' clock, and its first step (an email) is taken at once.
            await stripe.Control.AdvanceClockAsync(TimeSpan.FromDays(31), Cancellation);
            await Poll.UntilAsync(async () => (await Task.WhenAll(customers.Select(c => StepsTakenAsync(api, c)))).All(n => n >= 1), StartPatience, "every customer in dunning, the first step taken");
            var failedAt = DateTimeOffset.UtcNow;

            // One silo dies while the product keeps reading through the other: retryable answers only.
            b.Kill();
            var answers = await ProbeUntilHealedAsync(api, customers, failedAt + ReminderAfter - TimeSpan.FromSeconds(15));
            output.WriteLine($"Entitlements while silo b was being declared dead: {string.Join(", ", answers.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}");
            Assert.All(answers.Keys, status => Assert.True(status is 200 or 503, $"An entitlements read answered {status}"));

            // Then the whole cluster is down until every remaining step is overdue.
            a.Kill();
            var overdueAt = failedAt + ReminderAfter + TimeSpan.FromSeconds(10);
            Assert.True(DateTimeOffset.UtcNow < failedAt + ReminderAfter, "The outage began after the steps fell due: the test's timing does not hold on this machine.");
            // Waiting is the point here: the outage must outlast the steps' due times on the real clock.
            await Task.Delay(overdueAt - DateTimeOffset.UtcNow, Cancellation);
            await a.DisposeAsync();
            await b.DisposeAsync();

            var restartedAt = DateTimeOffset.UtcNow;
            a = Silo("a", ports[0], ports[1], ports[2]);
            b = Silo("b", ports[3], ports[4], ports[5]);
            await Task.WhenAll(a.WaitReadyAsync(StartPatience), b.WaitReadyAsync(StartPatience));
            var returnedAt = DateTimeOffset.UtcNow;
            using var again = a.Client(ApiKey);
            await Poll.UntilAsync(async () => (await Task.WhenAll(customers.Select(c => StateAsync(again, c)))).All(s => s == "Canceled"), Bound + StartPatience, "every customer canceled by the last step");

            var taken = new List<DateTimeOffset>();
            foreach (var customer in customers)
            {
                var history = await HistoryAsync(again, customer);
                var steps = history.Where(h => h.Name is "DunningStepTaken" or "AccessSuspended" or "DunningExhausted").ToList();
                Assert.Equal(["DunningStepTaken", "DunningStepTaken", "AccessSuspended", "DunningExhausted"], steps.Select(s => s.Name));
                taken.AddRange(steps.Skip(1).Select(s => s.At));
                Assert.Equal(1, stripe.Requests.To("DELETE", $"/v1/subscriptions/{stripeIds[customer].Subscription}").Count);
                var entitlements = await again.GetFromJsonAsync<JsonElement>(new Uri($"/v1/customers/{customer}/entitlements", UriKind.Relative), Cancellation);
                Assert.False(entitlements.GetProperty("entitled").GetBoolean());
            }

            output.WriteLine($"Silos restarted at {restartedAt:O}, both ready {(returnedAt - restartedAt).TotalSeconds:0.0} s later; overdue steps taken {(taken.Min() - returnedAt).TotalSeconds:0.0} to {(taken.Max() - returnedAt).TotalSeconds:0.0} s after that.");
            Assert.All(taken, at => Assert.True(at - restartedAt <= Bound, $"A step taken {(at - restartedAt).TotalSeconds:0.0} s after the silos were started again"));
            Assert.All(taken, at => Assert.True(at >= restartedAt, "A step was taken during the outage"));

            // Exactly once, as the mailbox saw it: one email per step per customer.
            var templates = DemoProduct.Definition.EmailTemplates.ToDictionary(t => t.Value, t => t.Key);
            foreach (var customer in customers)
            {
                var sent = stripe.Services.GetRequiredService<SandboxMailbox>().To(Email(customer)).Select(e => templates[e.TemplateId!.Value]).ToList();
                Assert.Equal(["welcome", "payment_failed", "payment_reminder", "access_suspended", "subscription_canceled"], sent);
            }
        }
        catch
        {
            var webhooks = stripe.Control.WebhookStatus;
            output.WriteLine($"Stripe sent {string.Join(", ", stripe.Control.Events.Select(e => e.Type))}; webhooks {webhooks.Delivered} delivered, {webhooks.PendingRetry} to retry, {webhooks.FailedForGood} failed: {string.Join(" | ", webhooks.LastErrors)}");
            output.WriteLine($"--- silo a ---\n{a.OutputTail}\n--- silo b ---\n{b?.OutputTail}");
            throw;
        }
        finally
        {
            await a.DisposeAsync();
            if (b is not null)
            {
                await b.DisposeAsync();
            }
        }
    }

    private static string Email(string customer) => $"{customer}@example.com";

    private static async Task SetPolicyAsync(SiloProcess silo)
    {
        using var admin = silo.Client(AdminKey);
        admin.DefaultRequestHeaders.Add("Billing-Actor", "outage-test");
        string After(TimeSpan t) => System.Xml.XmlConvert.ToString(t);
        using var response = await admin.PutAsJsonAsync("/admin/v1/products/demo/dunning", new
        {
            steps = new object[]
            {
                new { after = "P0D", action = "email", template = "payment_failed" },
                new { after = After(ReminderAfter), action = "email", template = "payment_reminder" },
                new { after = After(ReminderAfter + TimeSpan.FromSeconds(3)), action = "suspend", template = "access_suspended" },
                new { after = After(ReminderAfter + TimeSpan.FromSeconds(6)), action = "cancel", template = "subscription_canceled" },
            },
        }, Cancellation);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Cancellation));
    }

    /// <summary>Checkout through the product API, paid in the sandbox; returns the Stripe ids once the silo has the subscription active.</summary>
    private static async Task<(string Customer, string Subscription)> SubscribeAsync(HttpClient api, SandboxHost stripe, string customer)
    {
        using var checkout = await api.PostAsJsonAsync("/v1/checkout", new
        {
            customerId = customer, plan = "basic", successUrl = "https://example.com/ok", cancelUrl = "https://example.com/no", email = Email(customer),
        }, Cancellation);
        var session = (await checkout.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("sessionId").GetString()!;
        var paid = await stripe.Control.CompleteCheckoutAsync(session, SandboxHost.SucceedingCard, cancellationToken: Cancellation);
        Assert.Null(paid.Error);
        await Poll.UntilAsync(async () => await StateAsync(api, customer) == "Active", StartPatience, $"{customer} active");
        return (paid.CustomerId!, paid.SubscriptionId!);
    }

    /// <summary>Reads every customer's entitlements through the surviving silo until a whole round answers 200, or until the deadline.</summary>
    private static async Task<Dictionary<int, int>> ProbeUntilHealedAsync(HttpClient api, IReadOnlyList<string> customers, DateTimeOffset deadline)
    {
        var answers = new Dictionary<int, int>();
        var healedRounds = 0;
        while (healedRounds < 3 && DateTimeOffset.UtcNow < deadline)
        {
            var round = await Task.WhenAll(customers.Select(async c =>
            {
                using var response = await api.GetAsync(new Uri($"/v1/customers/{c}/entitlements", UriKind.Relative), Cancellation);
                return (int)response.StatusCode;
            }));
            foreach (var status in round)
            {
                answers[status] = answers.GetValueOrDefault(status) + 1;
            }

            healedRounds = round.All(s => s == 200) ? healedRounds + 1 : 0;

            // A product's pace, not a flood: the two cores are shared with both silos, PostgreSQL and Stripe.
            await Task.Delay(TimeSpan.FromMilliseconds(50), Cancellation);
        }

        return answers;
    }

    private static async Task<int> StepsTakenAsync(HttpClient api, string customer)
    {
        var dunning = await api.GetFromJsonAsync<JsonElement>(new Uri($"/v1/customers/{customer}/dunning", UriKind.Relative), Cancellation);
        return dunning.GetProperty("steps").EnumerateArray().Count(step => step.GetProperty("taken").GetBoolean());
    }

    private static async Task<string?> StateAsync(HttpClient api, string customer)
    {
        using var response = await api.GetAsync(new Uri($"/v1/customers/{customer}/subscription", UriKind.Relative), Cancellation);
        return response.StatusCode == HttpStatusCode.OK
            ? (await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("state").GetString()
            : null;
    }

    /// <summary>The customer's history through the admin API, oldest first.</summary>
    private static async Task<IReadOnlyList<(string Name, DateTimeOffset At)>> HistoryAsync(HttpClient api, string customer)
    {
        using var admin = new HttpClient { BaseAddress = api.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminKey);
        var history = await admin.GetFromJsonAsync<JsonElement>(new Uri($"/admin/v1/products/demo/customers/{customer}/history?limit=100", UriKind.Relative), Cancellation);
        return [.. history.EnumerateArray().Reverse().Select(h => (h.GetProperty("name").GetString()!, h.GetProperty("occurredAt").GetDateTimeOffset()))];
    }
}
