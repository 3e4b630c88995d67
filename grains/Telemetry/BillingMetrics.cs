using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.GrainInterfaces.Usage;
using OrleansBilling.Grains.Effects;

namespace OrleansBilling.Grains.Telemetry;

/// <summary>
/// What the grains count, on the meter <see cref="BillingMeter.Name"/>: decisions only once they are stored (a
/// write that failed counts nothing), effects as they run. Names follow OpenTelemetry's conventions
/// (dot-separated, unit apart); a Prometheus scrape shows <c>billing_dunning_episodes_total</c> and so on.
/// Tags are bounded sets (transition names, templates, effect kinds, outcomes, product ids), never a
/// customer, an address or an amount. What the gateway counts is in its <c>GatewayMetrics</c>, on the same meter.
/// </summary>
public sealed class BillingMetrics
{
    private readonly Counter<long> transitions;
    private readonly Counter<long> dunningEpisodes;
    private readonly Counter<long> dunningSteps;
    private readonly Counter<long> emails;
    private readonly Counter<long> effectRuns;
    private readonly Counter<long> usageEvents;
    private readonly Histogram<double> forwardingLag;
    private readonly Counter<long> anomalies;
    private readonly Counter<long> eventDeliveries;
    private readonly Counter<long> stripeThrottled;

    /// <summary>Each grain with effects in its outbox, by its key: what it holds and how many of those failed before.</summary>
    private readonly ConcurrentDictionary<string, (int Pending, int Failing)> outboxes = new(StringComparer.Ordinal);

    public BillingMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(BillingMeter.Name);
        transitions = meter.CreateCounter<long>("billing.subscription.transitions", "{transition}", "Lifecycle transitions stored, by transition.");
        dunningEpisodes = meter.CreateCounter<long>("billing.dunning.episodes", "{episode}", "Dunning episodes by what happened to them: opened, recovered (paid), exhausted (canceled by the policy).");
        dunningSteps = meter.CreateCounter<long>("billing.dunning.steps", "{step}", "Dunning policy steps taken, by the transition they made.");
        emails = meter.CreateCounter<long>("billing.emails", "{email}", "Lifecycle emails by template and outcome: sent, failed (an attempt that will be retried), refused (given up on).");
        effectRuns = meter.CreateCounter<long>("billing.effects.runs", "{run}", "Runs of outbox effects by kind and outcome: done, or failed (to be retried after a pause).");
        usageEvents = meter.CreateCounter<long>("billing.usage.events", "{event}", "Usage events by product and outcome: accepted, duplicate, rejected.");
        forwardingLag = meter.CreateHistogram<double>(
            "billing.usage.forwarding.lag", "s", "From a usage event's acceptance to its forwarding to the payment provider.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600] });
        eventDeliveries = meter.CreateCounter<long>(
            "billing.events.deliveries", "{attempt}", "Attempts to deliver events to products' endpoints, by product and outcome: delivered, failed (retried after a pause), given_up (the retry window is over).");
        stripeThrottled = meter.CreateCounter<long>(
            "billing.stripe.throttled", "{request}", "Stripe API requests held back by the rate limit, by who: stripe (answered 429; retried after its Retry-After while the wait allows), budget (refused here: this silo's share of the account's rate is spent for longer than a caller may wait).");
        anomalies = meter.CreateCounter<long>("billing.webhooks.anomalies", "{anomaly}", "Provider events recorded as anomalies, by kind.");
        meter.CreateObservableGauge("billing.effects.pending", () => (long)outboxes.Values.Sum(o => o.Pending), "{effect}", "Effects waiting in the outboxes of the subscriptions active on this silo.");
        meter.CreateObservableGauge("billing.effects.failing", () => (long)outboxes.Values.Sum(o => o.Failing), "{effect}", "Of those, effects that failed at least once and wait for a retry: rising for long means stuck.");
    }

    /// <summary>What a subscription's stored decisions did: transitions, and dunning episodes and steps among them.</summary>
    public void Stored(IEnumerable<HistoryEntry> entries)
    {
        foreach (var entry in entries)
        {
            if (entry.Kind != HistoryKind.Transition)
            {
                continue;
            }

            transitions.Add(1, new KeyValuePair<string, object?>("transition", entry.Name));
            switch (entry.Name)
            {
                case nameof(LifecycleTransition.PaymentFailed):
                    dunningEpisodes.Add(1, new KeyValuePair<string, object?>("outcome", "opened"));
                    break;
                case nameof(LifecycleTransition.PaymentRecovered):
                    dunningEpisodes.Add(1, new KeyValuePair<string, object?>("outcome", "recovered"));
                    break;
                case nameof(LifecycleTransition.DunningExhausted):
                    dunningEpisodes.Add(1, new KeyValuePair<string, object?>("outcome", "exhausted"));
                    dunningSteps.Add(1, new KeyValuePair<string, object?>("transition", entry.Name));
                    break;
                case nameof(LifecycleTransition.DunningStepTaken) or nameof(LifecycleTransition.AccessSuspended):
                    dunningSteps.Add(1, new KeyValuePair<string, object?>("transition", entry.Name));
                    break;
            }
        }
    }

    /// <summary>One run of an effect; an email's outcome is counted by its template as well.</summary>
    public void EffectRan(Effect effect, bool done, bool gaveUp = false)
    {
        effectRuns.Add(1, new KeyValuePair<string, object?>("effect", effect.GetType().Name), new KeyValuePair<string, object?>("outcome", done ? "done" : "failed"));
        if (effect is Effect.SendEmail email)
        {
            emails.Add(1, new KeyValuePair<string, object?>("template", email.Template), new KeyValuePair<string, object?>("outcome", !done ? "failed" : gaveUp ? "refused" : "sent"));
        }
    }

    /// <summary>A subscription's outbox as it now stands (called after each write and when the grain goes away, with an empty outbox).</summary>
    public void Outbox(string subscription, EffectOutbox? outbox)
    {
        var pending = outbox?.Entries.Count ?? 0;
        if (pending == 0)
        {
            outboxes.TryRemove(subscription, out _);
        }
        else
        {
            outboxes[subscription] = (pending, outbox!.Entries.Count(e => e.Attempts > 0));
        }
    }

    /// <summary>The answers to one usage request of a product.</summary>
    public void UsageAnswered(string product, IReadOnlyList<UsageResult> results)
    {
        foreach (var outcome in results.GroupBy(r => r.Outcome))
        {
            usageEvents.Add(outcome.Count(), new KeyValuePair<string, object?>("product", product), new KeyValuePair<string, object?>("outcome", outcome.Key.ToString().ToLowerInvariant()));
        }
    }

    /// <summary>A batch of usage forwarded: how long each event waited since it was accepted.</summary>
    public void UsageForwarded(string product, IEnumerable<DateTimeOffset> receivedAt, DateTimeOffset now)
    {
        foreach (var at in receivedAt)
        {
            forwardingLag.Record(Math.Max(0, (now - at).TotalSeconds), new KeyValuePair<string, object?>("product", product));
        }
    }

    public void EventsSent(string product, int delivered, int failed, int givenUp)
    {
        Add(eventDeliveries, delivered, product, "delivered");
        Add(eventDeliveries, failed, product, "failed");
        Add(eventDeliveries, givenUp, product, "given_up");

        static void Add(Counter<long> counter, int count, string product, string outcome)
        {
            if (count > 0)
            {
                counter.Add(count, new KeyValuePair<string, object?>("product", product), new KeyValuePair<string, object?>("outcome", outcome));
            }
        }
    }

    public void StripeThrottled(string by) => stripeThrottled.Add(1, new KeyValuePair<string, object?>("by", by));

    public void Anomaly(string kind) => anomalies.Add(1, new KeyValuePair<string, object?>("kind", kind));
}
