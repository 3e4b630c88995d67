using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.EndToEnd;

/// <summary>
/// What the service tells an operator, on the local default: a product's request, the grain calls it makes
/// and the Stripe call they make are one trace; and the business metrics count what a customer lived
/// through (a checkout, a failed renewal, dunning recovered, emails, usage, entitlement reads), by the names
/// and tags the alerts and dashboards read.
/// </summary>
[Trait(TestKind.Trait, TestKind.EndToEnd)]
public sealed class TelemetryTests(TelemetryTests.TracedService service) : IClassFixture<TelemetryTests.TracedService>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_checkout_its_grain_calls_and_its_call_to_Stripe_are_one_trace()
    {
        // The product's own trace, which its HTTP client passes on (W3C traceparent) and the service continues.
        using var api = service.Client();
        var (traceId, productSpan) = (default(ActivityTraceId), default(ActivitySpanId));
        using (var product = new Activity("product request") { ActivityTraceFlags = ActivityTraceFlags.Recorded }.SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            (traceId, productSpan) = (product.TraceId, product.SpanId);
            await api.OpenCheckoutAsync("traced_customer", "basic");
        }

        // The request's own span ends just after the answer is sent. Spans are collected as they end, and the sandbox's
        // webhook deliveries the checkout caused continue the trace in the background: a delivery's grain span can end
        // before the request span above it, so the trace is read once every span's parent has ended too.
        var trace = new List<Activity>();
        var ids = new HashSet<ActivitySpanId>();
        await Poll.UntilAsync(
            () =>
            {
                trace = [.. service.Spans.Where(s => s.TraceId == traceId)];
                ids = [.. trace.Select(s => s.SpanId).Append(productSpan)];
                return trace.Any(s => s.Kind == ActivityKind.Server && s.Source.Name == "Microsoft.AspNetCore") && trace.All(s => ids.Contains(s.ParentSpanId));
            },
            Patience,
            "the request's span and every parent in its trace to end");
        var request = Assert.Single(trace, s => s.Kind == ActivityKind.Server && s.Source.Name == "Microsoft.AspNetCore" && s.GetTagItem("url.path") as string == "/v1/checkout");
        Assert.Contains(trace, s => s.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && s.DisplayName == "ISubscriptionGrain/StartCheckout");
        var stripe = Assert.Single(trace, s => s.Kind == ActivityKind.Client && (s.GetTagItem("url.full") as string ?? "").Contains("/sandbox/stripe/v1/checkout/sessions", StringComparison.Ordinal));

        // Each span's parent is in the trace (but the product's own span): the Stripe call hangs under the grain call, under the request.
        Assert.All(trace, s => Assert.Contains(s.ParentSpanId, ids));
        Assert.True(Ancestors(stripe, trace).Any(a => a.DisplayName == "ISubscriptionGrain/StartCheckout"), "The Stripe call is made inside the grain call's span.");
        Assert.Contains(request, Ancestors(stripe, trace));

        // The runtime's background work (membership and reminder table reads) is no trace of its own.
        Assert.DoesNotContain(service.Spans, s => s.ParentSpanId == default && s.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Business_metrics_count_a_failed_renewal_its_dunning_its_emails_usage_and_reads()
    {
        using var api = service.Client();
        const string customer = "metered_dunning";
        var session = await api.OpenCheckoutAsync(customer, "basic");
        var stripeCustomer = (await api.PayCheckoutAsync(session, TestCards.DeclinesAfterCheckout)).GetProperty("customer").GetString()!;
        await Poll.UntilAsync(async () => await api.StateOfAsync(customer) == "Active", Patience, "the subscription to be active");

        await api.AdvanceClockAsync(days: 31);
        await Poll.UntilAsync(() => service.Sum("billing.dunning.episodes", ("outcome", "opened")) == 1, Patience, "a dunning episode to be counted as opened");
        await api.ReplaceCardAndPayAsync(stripeCustomer, TestCards.Succeeds);
        await Poll.UntilAsync(() => service.Sum("billing.dunning.episodes", ("outcome", "recovered")) == 1, Patience, "the episode to be counted as recovered");
        await Poll.UntilAsync(() => service.Sum("billing.emails", ("template", "payment_recovered"), ("outcome", "sent")) == 1, Patience, "the recovery email to be counted");
        using (await api.GetAsync(new Uri($"/v1/customers/{customer}/entitlements", UriKind.Relative), TestContext.Current.CancellationToken))
        {
        }

        Assert.Equal(1, service.Sum("billing.emails", ("template", "welcome"), ("outcome", "sent")));
        Assert.Equal(1, service.Sum("billing.emails", ("template", "payment_failed"), ("outcome", "sent")));
        Assert.Equal(1, service.Sum("billing.dunning.steps", ("transition", "DunningStepTaken")));
        Assert.Equal(1, service.Sum("billing.subscription.transitions", ("transition", "PaymentFailed")));
        Assert.Equal(1, service.Sum("billing.subscription.transitions", ("transition", "PaymentRecovered")));
        Assert.Equal(0, service.Sum("billing.dunning.episodes", ("outcome", "exhausted")));
        Assert.True(service.Sum("billing.webhooks", ("type", "invoice.payment_failed"), ("outcome", "Applied")) >= 1);
        Assert.True(service.Sum("billing.entitlements.reads", ("product", "demo"), ("answer", "full")) >= 1);
        Assert.True(service.Sum("billing.effects.runs", ("effect", "SendEmail"), ("outcome", "done")) >= 3);
        Assert.Equal("{episode}", service.Unit("billing.dunning.episodes"));
    }

    private static IEnumerable<Activity> Ancestors(Activity span, IReadOnlyList<Activity> trace)
    {
        for (var parent = trace.FirstOrDefault(s => s.SpanId == span.ParentSpanId); parent is not null; parent = trace.FirstOrDefault(s => s.SpanId == parent.ParentSpanId))
        {
            yield return parent;
        }
    }

    /// <summary>The local default with its spans kept in memory and its business metrics listened to.</summary>
    public sealed class TracedService : BillingService
    {
        private readonly ConcurrentQueue<Activity> spans = new();
        private readonly ConcurrentDictionary<(string Name, string Tags), long> sums = new();
        private readonly ConcurrentDictionary<string, string?> units = new();
        private MeterListener? listener;

        protected override bool UseSandbox => true;

        public IEnumerable<Activity> Spans => spans;

        public override async ValueTask InitializeAsync()
        {
            await base.InitializeAsync();

            // Only this host's meters: other tests' hosts in this process have meters of the same name.
            var factory = Services.GetRequiredService<IMeterFactory>();
            listener = new MeterListener
            {
                InstrumentPublished = (instrument, l) =>
                {
                    if (instrument.Meter.Name == BillingMeter.Name && ReferenceEquals(instrument.Meter.Scope, factory))
                    {
                        units[instrument.Name] = instrument.Unit;
                        l.EnableMeasurementEvents(instrument);
                    }
                },
            };
            listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                var key = string.Join(',', tags.ToArray().Select(t => $"{t.Key}={t.Value}").Order(StringComparer.Ordinal));
                sums.AddOrUpdate((instrument.Name, key), value, (_, sum) => sum + value);
            });
            listener.Start();
        }

        /// <summary>The sum of a counter's measurements whose tags include all of <paramref name="tags"/>.</summary>
        public long Sum(string instrument, params (string Key, string Value)[] tags) =>
            sums.Where(s => s.Key.Name == instrument && tags.All(t => s.Key.Tags.Split(',').Contains($"{t.Key}={t.Value}"))).Sum(s => s.Value);

        public string? Unit(string instrument) => units.GetValueOrDefault(instrument);

        public override async ValueTask DisposeAsync()
        {
            listener?.Dispose();
            await base.DisposeAsync();
        }

        protected override void Configure(WebApplicationBuilder builder) =>
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(new QueueCollection(spans)));

        /// <summary>The exporter's collection: a thread-safe queue behind <see cref="ICollection{T}"/>.</summary>
        private sealed class QueueCollection(ConcurrentQueue<Activity> queue) : ICollection<Activity>
        {
            public int Count => queue.Count;

            public bool IsReadOnly => false;

            public void Add(Activity item) => queue.Enqueue(item);

            public void Clear() => queue.Clear();

            public bool Contains(Activity item) => queue.Contains(item);

            public void CopyTo(Activity[] array, int arrayIndex) => queue.CopyTo(array, arrayIndex);

            public bool Remove(Activity item) => throw new NotSupportedException();

            public IEnumerator<Activity> GetEnumerator() => queue.GetEnumerator();

            System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
        }
    }
}
