using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Events;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Events;
using OrleansBilling.Grains.Lifecycle;
using OrleansBilling.Silo.Products;
using OrleansBilling.Tests.Infrastructure;
using StandardWebhooks;
using Xunit;

namespace OrleansBilling.Tests.Events;

/// <summary>What a product hears of a change, how it is signed, where it may be sent, and when it is tried again: pure rules.</summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class ProductEventRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly PriceTerms Basic = new("basic", 900, "usd", BillingInterval.Month);

    private static readonly Subscription Incomplete = Subscription.New("demo", "c1") with { State = SubscriptionState.Incomplete, PlanId = "basic" };

    private static readonly Subscription Active = Incomplete with
    {
        State = SubscriptionState.Active, CurrentPeriodStart = Now, CurrentPeriodEnd = Now.AddMonths(1), Terms = Basic,
    };

    [Fact]
    public void A_start_is_subscription_created_then_the_payment_then_the_entitlements_all_at_the_change_s_version()
    {
        var entitlements = EntitlementRules.For(Active, DemoProduct.Definition, 7);
        var events = ProductEvents.Of(new ProductEventChange(7, Now, Incomplete, Active,
            [Entry(LifecycleTransition.Activated, SubscriptionState.Incomplete, SubscriptionState.Active, "invoice=in_1; amount=900", new Money(900, "usd"))], entitlements));

        Assert.Equal([ProductEventTypes.SubscriptionCreated, ProductEventTypes.InvoicePaid, ProductEventTypes.EntitlementsUpdated], events.Select(e => e.Type));
        Assert.All(events, e => Assert.Equal(7, e.Version));
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());

        var created = JsonDocument.Parse(events[0].Payload).RootElement;
        Assert.Equal(events[0].Id, created.GetProperty("id").GetString());
        Assert.Equal("subscription.created", created.GetProperty("type").GetString());
        Assert.Equal("demo", created.GetProperty("product").GetString());
        Assert.Equal("c1", created.GetProperty("customer").GetString());
        Assert.Equal(Now, created.GetProperty("timestamp").GetDateTimeOffset());
        Assert.Equal("Active", created.GetProperty("data").GetProperty("state").GetString());
        Assert.Equal("Incomplete", created.GetProperty("data").GetProperty("previousState").GetString());
        Assert.Equal(["Activated"], created.GetProperty("data").GetProperty("transitions").EnumerateArray().Select(t => t.GetString()));

        var paid = JsonDocument.Parse(events[1].Payload).RootElement.GetProperty("data");
        Assert.Equal("in_1", paid.GetProperty("invoiceId").GetString());
        Assert.Equal(900, paid.GetProperty("amountMinor").GetInt64());

        // The entitlements are exactly what GET …/entitlements answers: the same record, the same JSON conventions.
        var data = JsonDocument.Parse(events[2].Payload).RootElement.GetProperty("data");
        Assert.True(data.GetProperty("entitled").GetBoolean());
        Assert.Equal(7, data.GetProperty("version").GetInt64());
        Assert.Equal("basic", data.GetProperty("planId").GetString());
    }

    [Fact]
    public void The_same_change_makes_the_same_events()
    {
        var change = new ProductEventChange(3, Now, Active, Active with { State = SubscriptionState.Canceled },
            [Entry(LifecycleTransition.Canceled, SubscriptionState.Active, SubscriptionState.Canceled, "reason=asked")], null);

        Assert.Equal(ProductEvents.Of(change).Select(e => (e.Id, e.Payload)), ProductEvents.Of(change).Select(e => (e.Id, e.Payload)));
        Assert.Equal([ProductEventTypes.SubscriptionCanceled], ProductEvents.Of(change).Select(e => e.Type));
        Assert.NotEqual(ProductEvents.EventId("demo", "c1", 3, 0), ProductEvents.EventId("demo", "c1", 4, 0));
        Assert.NotEqual(ProductEvents.EventId("demo", "c1", 3, 0), ProductEvents.EventId("demo", "c2", 3, 0));
    }

    [Fact]
    public void A_plan_change_is_subscription_updated_with_the_plan_before_and_after()
    {
        var pro = Active with { PlanId = "pro", Terms = Basic with { PlanId = "pro", UnitAmountMinor = 2900 } };
        var events = ProductEvents.Of(new ProductEventChange(4, Now, Active, pro,
            [Entry(LifecycleTransition.PlanChanged, SubscriptionState.Active, SubscriptionState.Active, "plan=pro")], null));

        var data = JsonDocument.Parse(Assert.Single(events).Payload).RootElement.GetProperty("data");
        Assert.Equal(ProductEventTypes.SubscriptionUpdated, events[0].Type);
        Assert.Equal("pro", data.GetProperty("planId").GetString());
        Assert.Equal("basic", data.GetProperty("previousPlanId").GetString());
        Assert.Equal(2900, data.GetProperty("terms").GetProperty("unitAmountMinor").GetInt64());
    }

    [Fact]
    public void A_failed_payment_a_dunning_step_and_a_refund_each_have_their_event()
    {
        var pastDue = Active with { State = SubscriptionState.PastDue, OpenInvoiceId = "in_2" };
        var failed = ProductEvents.Of(new ProductEventChange(5, Now, Active, pastDue,
            [Entry(LifecycleTransition.PaymentFailed, SubscriptionState.Active, SubscriptionState.PastDue, "invoice=in_2")], null));
        Assert.Equal([ProductEventTypes.SubscriptionUpdated, ProductEventTypes.InvoicePaymentFailed], failed.Select(e => e.Type));
        Assert.Equal("in_2", JsonDocument.Parse(failed[1].Payload).RootElement.GetProperty("data").GetProperty("invoiceId").GetString());

        var step = ProductEvents.Of(new ProductEventChange(6, Now, pastDue, pastDue with { State = SubscriptionState.Suspended },
            [Entry(LifecycleTransition.AccessSuspended, SubscriptionState.PastDue, SubscriptionState.Suspended, "step 2: suspend")], null));
        Assert.Equal([ProductEventTypes.SubscriptionUpdated, ProductEventTypes.DunningStepTaken], step.Select(e => e.Type));
        Assert.Equal("AccessSuspended", JsonDocument.Parse(step[1].Payload).RootElement.GetProperty("data").GetProperty("transition").GetString());

        var refund = ProductEvents.Of(new ProductEventChange(7, Now, Active, Active,
            [Fact(HistoryFact.RefundIssued, "refund=re_1; charge=ch_1; invoice=in_1; amount=300 usd; reason=goodwill", new Money(300, "usd"), "admin:sam")], null));
        var data = JsonDocument.Parse(Assert.Single(refund).Payload).RootElement.GetProperty("data");
        Assert.Equal(("re_1", "in_1", 300, "admin:sam", "goodwill"),
            (data.GetProperty("refundId").GetString(), data.GetProperty("invoiceId").GetString(), data.GetProperty("amountMinor").GetInt64(), data.GetProperty("issuedBy").GetString(), data.GetProperty("reason").GetString()));
    }

    [Fact]
    public void A_change_nothing_a_product_reads_moved_in_makes_no_event()
    {
        var events = ProductEvents.Of(new ProductEventChange(8, Now, Active, Active with { EmailObservedAt = Now },
            [Fact(HistoryFact.EmailNotSent, "template=welcome", null, "email")], null));

        Assert.Empty(events);
    }

    [Fact]
    public void Entitlements_differ_when_access_plan_or_time_does_not_when_only_bookkeeping_does()
    {
        string Of(Subscription s, DateTimeOffset at) => ProductEvents.EntitlementsFingerprint(s, DemoProduct.Definition, at);

        Assert.NotEqual(Of(Incomplete, Now), Of(Active, Now));
        Assert.NotEqual(Of(Active, Now), Of(Active with { PlanId = "pro" }, Now));
        Assert.Equal(Of(Active, Now), Of(Active with { EmailObservedAt = Now, LastSequence = 99 }, Now));

        // An override in force, then expired: the same subscription, another moment.
        var boosted = Active with { Overrides = [new GrantedOverride("ov_1", null, "api_calls", null, 5000, "vip", "admin:sam", Now, Now.AddHours(1))] };
        Assert.NotEqual(Of(Active, Now), Of(boosted, Now));
        Assert.Equal(Of(Active, Now.AddHours(2)), Of(boosted, Now.AddHours(2)));
    }

    [Fact]
    public void Signatures_follow_the_specification_s_test_vector()
    {
        // The Standard Webhooks specification's example: the library the sender uses must give exactly this.
        var signature = new StandardWebhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
            .Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", DateTimeOffset.FromUnixTimeSeconds(1614265330), """{"test": 2432232314}""");

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);

        // And the specification's construction by hand: HMAC-SHA256 of "id.timestamp.body" under the decoded secret.
        var key = Convert.FromBase64String("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        Assert.Equal(signature, "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("""msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{"test": 2432232314}"""))));
    }

    [Theory]
    [InlineData("https://hooks.example.com/billing", null)]
    [InlineData("https://hooks.example.com:8443/billing?product=demo", null)]
    [InlineData("http://hooks.example.com/billing", "https")]
    [InlineData("https://localhost/hooks", "public host")]
    [InlineData("https://api.localhost/hooks", "public host")]
    [InlineData("https://127.0.0.1/hooks", "public host")]
    [InlineData("https://10.1.2.3/hooks", "public host")]
    [InlineData("https://172.20.0.1/hooks", "public host")]
    [InlineData("https://192.168.1.1/hooks", "public host")]
    [InlineData("https://169.254.169.254/latest/meta-data", "public host")]
    [InlineData("https://100.64.0.1/hooks", "public host")]
    [InlineData("https://0.0.0.0/hooks", "public host")]
    [InlineData("https://[::1]/hooks", "public host")]
    [InlineData("https://[fd00::1]/hooks", "public host")]
    [InlineData("https://[fe80::1]/hooks", "public host")]
    [InlineData("https://[::ffff:10.0.0.1]/hooks", "public host")]
    [InlineData("https://billing-gateway/hooks", "public host")]
    [InlineData("https://billing.billing.svc.cluster.local/hooks", "public host")]
    [InlineData("https://metadata.google.internal/computeMetadata", "public host")]
    [InlineData("https://user:pass@hooks.example.com/billing", "user name")]
    [InlineData("hooks.example.com/billing", "absolute URL")]
    [InlineData("ftp://hooks.example.com/billing", "https")]
    [InlineData("", "absolute URL")]
    public void Endpoints_are_https_on_a_public_host_outside_the_local_default(string url, string? problem)
    {
        var found = EndpointAddress.Problem(url, new EventDeliveryOptions());
        if (problem is null)
        {
            Assert.Null(found);
        }
        else
        {
            Assert.Contains(problem, found);
        }
    }

    [Fact]
    public void The_local_default_may_send_to_plain_http_on_loopback()
    {
        Assert.Null(EndpointAddress.Problem("http://localhost:5080/sandbox/receiver", new EventDeliveryOptions { AllowHttp = true, AllowPrivateAddresses = true }));
    }

    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("2606:4700::1111", true)]
    [InlineData("127.0.0.53", false)]
    [InlineData("::", false)]
    [InlineData("64:ff9b::a00:1", false)]
    [InlineData("224.0.0.1", false)]
    public void Connections_go_only_to_public_addresses(string address, bool isPublic) =>
        Assert.Equal(isPublic, EndpointAddress.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public void Retries_back_off_with_jitter_and_end_with_the_window()
    {
        var options = new EventDeliveryOptions();
        var start = Now;
        Assert.Equal(start + TimeSpan.FromSeconds(8), DeliverySchedule.NextAttempt(start, start, options, jitter: 0));
        Assert.Equal(start + TimeSpan.FromSeconds(12), DeliverySchedule.NextAttempt(start, start, options, jitter: 1));

        // The pause is as long as the window so far: it doubles, up to six hours.
        Assert.Equal(start + TimeSpan.FromSeconds(160), DeliverySchedule.NextAttempt(start, start + TimeSpan.FromSeconds(80), options, jitter: 0.5));
        Assert.Equal(start + TimeSpan.FromHours(30), DeliverySchedule.NextAttempt(start, start + TimeSpan.FromHours(24), options, jitter: 0.5));

        // The last attempt falls at the end of the three days; after it, none.
        var late = start + options.RetryFor - TimeSpan.FromHours(1);
        Assert.Equal(start + options.RetryFor, DeliverySchedule.NextAttempt(start, late, options, jitter: 0.5));
        Assert.Null(DeliverySchedule.NextAttempt(start, start + options.RetryFor, options, jitter: 0.5));

        // From the first failure, the whole schedule spans the window in about twenty attempts.
        var (at, attempts) = (start, 1);
        while (DeliverySchedule.NextAttempt(start, at, options, jitter: 0.5) is { } next)
        {
            at = next;
            attempts++;
        }

        Assert.Equal(start + options.RetryFor, at);
        Assert.InRange(attempts, 15, 25);
    }

    private static HistoryEntry Entry(LifecycleTransition transition, SubscriptionState from, SubscriptionState to, string? detail, Money? amount = null) =>
        new(1, Now, HistoryKind.Transition, transition.ToString(), from, to, "stripe:evt_1", detail, Amount: amount, Transition: transition);

    private static HistoryEntry Fact(HistoryFact fact, string? detail, Money? amount, string actor) =>
        new(1, Now, HistoryKind.Fact, fact.ToString(), SubscriptionState.Active, SubscriptionState.Active, actor, detail, Amount: amount, Fact: fact);
}
