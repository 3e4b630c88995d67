using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Products;
using OrleansBilling.GrainInterfaces.Staff;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Effects;
using OrleansBilling.Grains.Payments;
using OrleansBilling.Silo.Products;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Grains;

/// <summary>
/// For every kind of effect, a way to leave one pending: the effect's kind is failing while a
/// decision that brings it is taken. Shared by the tests that deactivate the grain and those that
/// kill its silo.
/// </summary>
internal static class EffectArrangements
{
    /// <summary>A product whose policy retries the payment at once and cancels a day later.</summary>
    public const string QuickDunning = "quickdun";

    public static readonly TheoryData<string> Kinds =
        [nameof(Effect.SendEmail), nameof(Effect.PublishReadModel), nameof(Effect.IndexProviderCustomer), nameof(Effect.SyncUsagePeriod), nameof(Effect.RetryPayment), nameof(Effect.CancelAtProvider), nameof(Effect.ChangeMeteredPrices), nameof(Effect.RecordAudit), nameof(Effect.PublishProductEvents)];

    /// <summary>Leaves one effect of <paramref name="kind"/> pending for a new customer; answers the grain and how to recognise the effect.</summary>
    public static async Task<(ISubscriptionGrain Grain, Func<Effect, bool> IsIt)> LeavePendingAsync(GrainCluster cluster, string kind, string customer)
    {
        await ConfigureQuickDunningAsync(cluster);
        var key = BillingIds.SubscriptionKey(QuickDunning, customer);
        var grain = cluster.Grains.GetGrain<ISubscriptionGrain>(key);
        switch (kind)
        {
            case nameof(Effect.SendEmail):
                await ActivateAsync(cluster, grain, customer);
                cluster.Effects.Fail<Effect.SendEmail>();
                Assert.True((await grain.ChangePlan("pro", ProrationMode.CreateProrations, CommandContext.Api)).Succeeded);
                return (grain, e => e is Effect.SendEmail { Template: "plan_changed" } email && email.Key.StartsWith(key + "/", StringComparison.Ordinal));
            case nameof(Effect.PublishReadModel):
                cluster.Effects.Fail<Effect.PublishReadModel>();
                await ActivateAsync(cluster, grain, customer);
                return (grain, e => e is Effect.PublishReadModel publish && publish.Row.SubscriptionKey == key);
            case nameof(Effect.IndexProviderCustomer):
                cluster.Effects.Fail<Effect.IndexProviderCustomer>();
                await ActivateAsync(cluster, grain, customer);
                return (grain, e => e is Effect.IndexProviderCustomer index && index.SubscriptionKey == key);
            case nameof(Effect.SyncUsagePeriod):
                cluster.Effects.Fail<Effect.SyncUsagePeriod>();
                await ActivateAsync(cluster, grain, customer);
                return (grain, e => e is Effect.SyncUsagePeriod sync && sync.SubscriptionKey == key);
            case nameof(Effect.RetryPayment):
                await ActivateAsync(cluster, grain, customer);
                cluster.Effects.Fail<Effect.RetryPayment>();
                await cluster.FailPaymentAsync(grain, customer, $"in_{customer}");
                return (grain, e => e is Effect.RetryPayment retry && retry.InvoiceId == $"in_{customer}");
            case nameof(Effect.CancelAtProvider):
                await ActivateAsync(cluster, grain, customer);
                await cluster.FailPaymentAsync(grain, customer, $"in_{customer}");
                cluster.Effects.Fail<Effect.CancelAtProvider>();
                await Poll.UntilAsync(
                    async () =>
                    {
                        cluster.Clock.Advance(TimeSpan.FromHours(6));
                        return (await grain.GetSubscription()).State == SubscriptionState.Canceled;
                    },
                    TimeSpan.FromSeconds(20),
                    "the policy's cancel step");
                return (grain, e => e is Effect.CancelAtProvider cancel && cancel.ProviderSubscriptionId == $"sub_{customer}");
            case nameof(Effect.ChangeMeteredPrices):
                // The customer switches to pro in Stripe's portal: the plan's metered prices must follow.
                await ActivateAsync(cluster, grain, customer);
                cluster.Effects.Fail<Effect.ChangeMeteredPrices>();
                var period = (await grain.GetSubscription()).CurrentPeriodEnd;
                cluster.Payments.Subscriptions[$"sub_{customer}"] = new ProviderSubscription(
                    $"sub_{customer}", $"cus_{customer}", ProviderSubscriptionStatus.Active, false, "price_demo_pro", period?.AddMonths(-1), period, null, null, false);
                await grain.ApplyProviderEvent(new ProviderEvent(
                    $"evt_{customer}_portal", ProviderEventKind.SubscriptionChanged, cluster.Clock.GetUtcNow(),
                    ProviderSubscriptionId: $"sub_{customer}", SubscriptionStatus: "active", PriceId: "price_demo_pro", PeriodEnd: period));
                Assert.Equal("pro", (await grain.GetSubscription()).PlanId);
                return (grain, e => e is Effect.ChangeMeteredPrices { MeteredPriceIds: ["price_demo_pro_api_calls"] } change && change.ProviderSubscriptionId == $"sub_{customer}");
            case nameof(Effect.PublishProductEvents):
                cluster.Effects.Fail<Effect.PublishProductEvents>();
                await ActivateAsync(cluster, grain, customer);
                return (grain, e => e is Effect.PublishProductEvents publish && publish.Events.Any(x => x.ProductId == QuickDunning && x.CustomerId == customer));
            case nameof(Effect.RecordAudit):
                // Support grants an override: its audit line is decided with it.
                await ActivateAsync(cluster, grain, customer);
                cluster.Effects.Fail<Effect.RecordAudit>();
                var granted = await grain.GrantOverride(
                    new OverrideRequest("sso", null, true, null, "vip", cluster.Clock.GetUtcNow().AddDays(7)),
                    new CommandContext(null, null, "admin:sam", new StaffAction("sam", StaffRole.Support, "grant-override", "vip")));
                Assert.True(granted.Succeeded);
                return (grain, e => e is Effect.RecordAudit { Record: { Person: "sam", Action: "grant-override", Outcome: AuditOutcome.Succeeded } audit } && audit.CustomerId == customer);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "No arrangement for this effect.");
        }
    }

    /// <summary>
    /// The effect was left pending, and once its kind works again the clock's passing runs it exactly once:
    /// not lost, not repeated however long time goes on.
    /// </summary>
    public static async Task AssertRunsExactlyOnceAsync(GrainCluster cluster, ISubscriptionGrain grain, string kind, Func<Effect, bool> isIt)
    {
        Heal(cluster, kind);
        await Poll.UntilAsync(
            () =>
            {
                cluster.Clock.Advance(TimeSpan.FromMinutes(1));
                return cluster.Effects.Done.Any(isIt);
            },
            TimeSpan.FromSeconds(40),
            $"the pending {kind} to run");
        for (var i = 0; i < 5; i++)
        {
            // A call queues behind whatever the grain's timer started on the clock's move.
            cluster.Clock.Advance(TimeSpan.FromHours(1));
            await grain.GetSubscription();
        }

        Assert.Single(cluster.Effects.Done, new Predicate<Effect>(isIt));
    }

    public static void AssertNotRun(GrainCluster cluster, Func<Effect, bool> isIt) => Assert.DoesNotContain(cluster.Effects.Done, new Predicate<Effect>(isIt));

    private static void Heal(GrainCluster cluster, string kind)
    {
        switch (kind)
        {
            case nameof(Effect.SendEmail): cluster.Effects.Heal<Effect.SendEmail>(); break;
            case nameof(Effect.PublishReadModel): cluster.Effects.Heal<Effect.PublishReadModel>(); break;
            case nameof(Effect.IndexProviderCustomer): cluster.Effects.Heal<Effect.IndexProviderCustomer>(); break;
            case nameof(Effect.SyncUsagePeriod): cluster.Effects.Heal<Effect.SyncUsagePeriod>(); break;
            case nameof(Effect.RetryPayment): cluster.Effects.Heal<Effect.RetryPayment>(); break;
            case nameof(Effect.CancelAtProvider): cluster.Effects.Heal<Effect.CancelAtProvider>(); break;
            case nameof(Effect.ChangeMeteredPrices): cluster.Effects.Heal<Effect.ChangeMeteredPrices>(); break;
            case nameof(Effect.RecordAudit): cluster.Effects.Heal<Effect.RecordAudit>(); break;
            case nameof(Effect.PublishProductEvents): cluster.Effects.Heal<Effect.PublishProductEvents>(); break;
        }
    }

    private static async Task ConfigureQuickDunningAsync(GrainCluster cluster)
    {
        var product = cluster.Grains.GetGrain<IProductGrain>(BillingIds.ProductKey(QuickDunning));
        Assert.Empty(await product.Configure(DemoProduct.Definition with
        {
            ProductId = QuickDunning,
            Dunning = new DunningPolicy(
            [
                new DunningStep(TimeSpan.Zero, DunningAction.Email, "payment_failed", RetryPayment: true),
                new DunningStep(TimeSpan.FromDays(1), DunningAction.Cancel, "subscription_canceled"),
            ]),
        }));
    }

    private static async Task ActivateAsync(GrainCluster cluster, ISubscriptionGrain grain, string customer)
    {
        Assert.True((await grain.StartCheckout(new CheckoutRequest("basic", "https://app.test/ok", "https://app.test/no", "ada@example.com"), CommandContext.Api)).Succeeded);
        var now = cluster.Clock.GetUtcNow();
        var outcome = await grain.ApplyProviderEvent(new ProviderEvent(
            $"evt_{customer}_on", ProviderEventKind.SubscriptionActivated, now, ProviderSubscriptionId: $"sub_{customer}", PlanId: "basic", PeriodStart: now, PeriodEnd: now.AddMonths(1)));
        Assert.Equal(LifecycleTransition.Activated, outcome.Transition);
    }
}
