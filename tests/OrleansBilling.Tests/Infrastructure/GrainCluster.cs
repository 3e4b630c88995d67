using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Products;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.GrainInterfaces.Usage;
using Orleans.Configuration;
using Orleans.Reminders;
using Orleans.Storage;
using OrleansBilling.Grains;
using OrleansBilling.Grains.Effects;
using OrleansBilling.Grains.Email;
using OrleansBilling.Grains.Events;
using OrleansBilling.Grains.Payments;
using OrleansBilling.Grains.ReadModel;
using OrleansBilling.Grains.Staff;
using OrleansBilling.Grains.Stripe.Webhooks;
using OrleansBilling.Grains.Usage;
using OrleansBilling.Silo.Events;
using OrleansBilling.Silo.Products;
using OrleansBilling.Silo.ReadModel;
using OrleansBilling.Silo.Webhooks;
using Xunit;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// An in-process Orleans cluster with the billing grains on in-memory storage and reminders, a
/// fake clock, a recording payment provider and a read model that can be made to fail. The demo
/// product is configured. One cluster per test class; tests use their own customer ids.
/// </summary>
public class GrainCluster : IAsyncLifetime
{
    private InProcessTestCluster? cluster;

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));

    public RecordingPaymentProvider Payments { get; } = new();

    public RecordingReadModelWriter ReadModel { get; } = new();

    public InMemoryStripeEventStore Events { get; } = new();

    public RecordingEmailSender Emails { get; } = new();

    /// <summary>The audit trail of staff actions.</summary>
    public InMemoryStaffAuditTrail Audit { get; } = new();

    public FaultyUsageJournal Usage { get; } = new();

    /// <summary>The outbox of events to products, its endpoints and deliveries.</summary>
    public InMemoryProductEventStore ProductEvents { get; } = new();

    /// <summary>Grain storage whose next write of a state can be made to fail (in memory only).</summary>
    public FaultyGrainStorage Storage { get; } = new();

    /// <summary>Grain calls held before they run.</summary>
    public CallHolds Calls { get; } = new();

    /// <summary>Effects made to fail, and every effect that ran.</summary>
    public EffectFaults Effects { get; } = new();

    /// <summary>How many silos the cluster starts with.</summary>
    protected virtual short Silos => 1;

    public InProcessTestCluster Cluster => cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    public IGrainFactory Grains => Cluster.Client;

    public async ValueTask InitializeAsync()
    {
        Payments.Clock = Clock;
        await PrepareAsync();
        var builder = new InProcessTestClusterBuilder(Silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            UseStorageAndReminders(silo);
            silo.Services.AddSingleton<TimeProvider>(Clock);
            silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            silo.Services.AddSingleton<IPaymentProvider>(Payments);
            silo.Services.AddSingleton<IReadModelWriter>(ReadModel);
            silo.Services.AddSingleton<IHistoryReader>(ReadModel.Store);
            silo.Services.AddSingleton<ICustomerSearch>(ReadModel.Store);
            silo.Services.AddSingleton<OrleansBilling.Grains.Reporting.IReportingHistory>(ReadModel.Store);
            silo.Services.AddSingleton<OrleansBilling.Grains.Reporting.IReportTotals, OrleansBilling.Grains.Reporting.RebuiltReportTotals>();
            silo.Services.AddSingleton<IStaffAuditTrail>(Audit);
            silo.Services.AddSingleton<IIncomingGrainCallFilter>(Calls);
            Effects.Register(silo.Services);
            silo.Services.AddSingleton<IStripeEventStore>(Events);
            silo.Services.AddSingleton<IEmailSender>(Emails);
            silo.Services.AddSingleton<IUsageJournal>(Usage);
            silo.Services.AddSingleton<IProductEventStore>(ProductEvents);

            // Test receivers listen on loopback over plain HTTP; one that hangs is given up on after a second.
            silo.Services.Configure<EventDeliveryOptions>(options =>
            {
                options.AllowHttp = options.AllowPrivateAddresses = true;
                options.AttemptTimeout = TimeSpan.FromSeconds(1);
            });

            // Reminders follow the fake clock (after the background areas went to real time), and
            // re-read their range often so an Advance (or a silo's death) is seen promptly.
            silo.Services.AddKeyedSingleton<TimeProvider>(ReminderTimeProviderNames.Reminders, Clock);
            silo.Configure<ReminderOptions>(options => options.RefreshReminderListPeriod = TimeSpan.FromSeconds(1));
        });
        cluster = builder.Build();
        await cluster.DeployAsync();
        var product = Grains.GetGrain<IProductGrain>(BillingIds.ProductKey(DemoProduct.Id));
        Assert.Empty(await product.Configure(DemoProduct.Definition));
    }

    /// <summary>Before the cluster starts (a database to create).</summary>
    protected virtual Task PrepareAsync() => Task.CompletedTask;

    /// <summary>Grain storage and reminders: in memory here.</summary>
    protected virtual void UseStorageAndReminders(ISiloBuilder silo)
    {
        silo.AddMemoryGrainStorage(BillingStorage.Name);
        silo.Services.AddKeyedSingleton<IGrainStorage>(
            BillingStorage.Name, (services, name) => Storage.Wrap(MemoryGrainStorageFactory.Create(services, (string)name!)));
        silo.UseInMemoryReminderService();
        silo.UseSystemTextJsonGrainStorageSerializer();
    }

    public async ValueTask DisposeAsync()
    {
        if (cluster is not null)
        {
            await cluster.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>The demo product's subscription grain of a customer.</summary>
    public ISubscriptionGrain Subscription(string customerId) =>
        Grains.GetGrain<ISubscriptionGrain>(BillingIds.SubscriptionKey(DemoProduct.Id, customerId));

    /// <summary>
    /// Arrange: the provider says the customer's payment of an open invoice (<c>in_{customerId}_2</c>
    /// unless named) failed; the subscription must take <c>PaymentFailed</c>.
    /// </summary>
    public async Task FailPaymentAsync(ISubscriptionGrain grain, string customerId, string? invoiceId = null)
    {
        invoiceId ??= $"in_{customerId}_2";
        Payments.Invoices[invoiceId] = new ProviderInvoice(invoiceId, $"sub_{customerId}", "open", 900, 0, "usd", Clock.GetUtcNow(), null, null, null, null);
        var outcome = await grain.ApplyProviderEvent(new ProviderEvent(
            $"evt_{customerId}_failed", ProviderEventKind.InvoicePaymentFailed, Clock.GetUtcNow(), ProviderSubscriptionId: $"sub_{customerId}", InvoiceId: invoiceId));
        Assert.Equal(LifecycleTransition.PaymentFailed, outcome.Transition);
    }

    /// <summary>The usage grain of the customer whose subscription <paramref name="subscription"/> is.</summary>
    public IUsageGrain UsageOf(ISubscriptionGrain subscription) => Grains.GetGrain<IUsageGrain>(subscription.GetPrimaryKeyString());

    /// <summary>
    /// Arrange: a demo customer on basic, checked out and activated, whose period began a day ago;
    /// the provider subscription is <c>sub_{customerId}</c>.
    /// </summary>
    public async Task<ISubscriptionGrain> ActiveOnBasic(string customerId)
    {
        var grain = Subscription(customerId);
        Assert.True((await grain.StartCheckout(new CheckoutRequest("basic", "https://app.test/ok", "https://app.test/cancel", "ada@example.com"), CommandContext.Api)).Succeeded);
        var now = Clock.GetUtcNow();
        var outcome = await grain.ApplyProviderEvent(new ProviderEvent(
            $"evt_{customerId}_activated", ProviderEventKind.SubscriptionActivated, now,
            ProviderSubscriptionId: $"sub_{customerId}", PlanId: "basic", PeriodStart: now.AddDays(-1), PeriodEnd: now.AddDays(-1).AddMonths(1)));
        Assert.Equal(EventOutcomeKind.Applied, outcome.Kind);
        return grain;
    }
}
