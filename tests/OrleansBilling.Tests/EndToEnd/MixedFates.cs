using System.Net;
using OrleansBilling.Tests.Http;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.EndToEnd;

/// <summary>
/// Customers of every <see cref="Fate"/>, a few of each, lived through over forty days on the sandbox
/// clock, over HTTP only: the product calls the API, the customers pay on the hosted pages, the sandbox
/// delivers Stripe's events as it goes.
/// </summary>
internal sealed class MixedFates(SandboxBillingService service, HttpClient api, string prefix, int customersPerFate)
{
    /// <summary>Where each fate ends after forty days.</summary>
    public static IReadOnlyDictionary<Fate, string> ExpectedStates { get; } = new Dictionary<Fate, string>
    {
        [Fate.NewlyActive] = "Active",
        [Fate.Renewed] = "Active",
        [Fate.PlanChanged] = "Active",
        [Fate.Trialing] = "Trialing",
        [Fate.TrialConverted] = "Active",
        [Fate.CancelUndone] = "Active",
        [Fate.TrialCanceledAtEnd] = "Canceled",
        // Ten days after the failed renewal the default dunning policy has suspended access (P7D).
        [Fate.PastDue] = "Suspended",
        [Fate.Recovered] = "Active",
        [Fate.CanceledAtPeriodEnd] = "Canceled",
        [Fate.Canceling] = "Canceling",
        [Fate.CanceledNow] = "Canceled",
        [Fate.WonBack] = "Active",
        [Fate.WonBackAfterPastDue] = "Active",
        [Fate.CheckoutAbandoned] = "None",
    };

    private readonly Dictionary<string, string> stripeCustomers = [];

    /// <summary>Every customer with its fate.</summary>
    public IReadOnlyList<(string Customer, Fate Fate)> Customers { get; } =
        [.. Enum.GetValues<Fate>().SelectMany(fate => Enumerable.Range(1, customersPerFate).Select(i => ($"{prefix}_{fate}_{i}".ToLowerInvariant(), fate)))];

    /// <summary>The Stripe customer of each customer.</summary>
    public IReadOnlyDictionary<string, string> StripeCustomers => stripeCustomers;

    /// <summary>Lives the forty days: sign-ups on day 0, changes on day 5, recoveries and comebacks on day 35, a look on day 40.</summary>
    public async Task LiveAsync()
    {
        foreach (var (customer, fate) in Customers)
        {
            switch (fate)
            {
                case Fate.Renewed or Fate.CanceledAtPeriodEnd or Fate.CanceledNow or Fate.WonBack or Fate.PlanChanged:
                    await SubscribeAsync(customer, "basic");
                    break;
                case Fate.TrialConverted or Fate.CancelUndone or Fate.TrialCanceledAtEnd:
                    await SubscribeAsync(customer, "pro");
                    break;
                case Fate.PastDue or Fate.Recovered or Fate.WonBackAfterPastDue:
                    await SubscribeAsync(customer, "basic", TestCards.DeclinesAfterCheckout);
                    break;
                case Fate.CheckoutAbandoned:
                    var declined = await api.PayCheckoutAsync(await api.OpenCheckoutAsync(customer, "basic"), TestCards.Declined, HttpStatusCode.PaymentRequired);
                    stripeCustomers[customer] = declined.GetProperty("customer").GetString()!;
                    break;
            }
        }

        await api.AdvanceClockAsync(days: 5);
        foreach (var (customer, fate) in Customers)
        {
            switch (fate)
            {
                case Fate.CanceledAtPeriodEnd or Fate.TrialCanceledAtEnd:
                    await CancelAsync(customer, atPeriodEnd: true);
                    break;
                case Fate.CanceledNow or Fate.WonBack:
                    await CancelAsync(customer, atPeriodEnd: false);
                    break;
                case Fate.CancelUndone:
                    await CancelAsync(customer, atPeriodEnd: true);
                    await CommandAsync($"/v1/customers/{customer}/subscription/resume", null);
                    break;
                case Fate.PlanChanged:
                    await CommandAsync($"/v1/customers/{customer}/subscription/plan", new { plan = "pro" });
                    break;
            }
        }

        await api.AdvanceClockAsync(days: 30);
        foreach (var (customer, fate) in Customers)
        {
            switch (fate)
            {
                case Fate.Recovered:
                    await api.ReplaceCardAndPayAsync(stripeCustomers[customer], TestCards.Succeeds);
                    break;
                case Fate.WonBack:
                    await SubscribeAsync(customer, "basic");
                    break;
                case Fate.WonBackAfterPastDue:
                    await CancelAsync(customer, atPeriodEnd: false);
                    await SubscribeAsync(customer, "basic");
                    break;
                case Fate.NewlyActive:
                    await SubscribeAsync(customer, "basic");
                    break;
                case Fate.Trialing:
                    await SubscribeAsync(customer, "pro");
                    break;
                case Fate.Canceling:
                    await SubscribeAsync(customer, "basic");
                    await CancelAsync(customer, atPeriodEnd: true);
                    break;
            }
        }

        await api.AdvanceClockAsync(days: 5);
        await api.AllDeliveredAsync();
    }

    /// <summary>Every customer's subscription as the API shows it (version included) and its whole history as the read model holds it.</summary>
    public async Task<IReadOnlyDictionary<string, SubscriptionSnapshot>> SnapshotAsync()
    {
        var snapshots = new Dictionary<string, SubscriptionSnapshot>();
        foreach (var (customer, _) in Customers)
        {
            var view = await api.SubscriptionOfAsync(customer);
            snapshots[customer] = new SubscriptionSnapshot(
                view.GetProperty("state").GetString()!,
                view.GetRawText(),
                service.ReadModel.Store.HistoryOf($"demo/{customer}"));
        }

        return snapshots;
    }

    /// <summary>The anomalies admins see about these customers: events the lifecycle table refused.</summary>
    public async Task<IReadOnlyList<string>> AnomaliesAsync()
    {
        using var admin = service.Client(apiKey: BillingService.AdminKey);
        using var response = await admin.GetAsync(new Uri("/admin/v1/anomalies", UriKind.Relative), TestContext.Current.CancellationToken);
        return [.. (await response.ReadOkAsync()).EnumerateArray().Select(a => a.GetRawText()).Where(a => a.Contains($"demo/{prefix}_", StringComparison.Ordinal))];
    }

    private async Task SubscribeAsync(string customer, string plan, string card = TestCards.Succeeds) =>
        stripeCustomers[customer] = await api.SubscribeAsync(customer, plan, card);

    private Task CancelAsync(string customer, bool atPeriodEnd) =>
        CommandAsync($"/v1/customers/{customer}/subscription/cancel", new { atPeriodEnd });

    private async Task CommandAsync(string path, object? body)
    {
        using var response = await api.PostJsonAsync(path, body);
        await response.ReadOkAsync();
    }
}
