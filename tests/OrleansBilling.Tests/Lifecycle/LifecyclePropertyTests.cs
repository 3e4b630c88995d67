using CsCheck;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Lifecycle;
using OrleansBilling.Grains.Payments;
using OrleansBilling.Tests.Infrastructure;
using Xunit;
using static OrleansBilling.GrainInterfaces.Lifecycle.SubscriptionState;
using static OrleansBilling.Tests.Lifecycle.LifecycleFixture;

namespace OrleansBilling.Tests.Lifecycle;

/// <summary>
/// Random sequences of every kind of input, with ids drawn from small pools so that duplicates,
/// repeated invoices and re-deliveries happen, replayed from a new subscription while time passes
/// and dunning ticks come. Every property asserts, besides itself, that its run reached every state
/// of the table and took every transition: a property is only as good as the states it visited.
/// </summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class LifecyclePropertyTests
{
    private const long Iterations = 1000;

    private static readonly SubscriptionState[] DesignEntitledStates = [Trialing, Active, PastDue, Canceling];

    private static readonly Gen<string> InputIds = Gen.Int[1, 30].Select(i => $"evt_{i}");
    private static readonly Gen<string> InvoiceIds = Gen.Int[1, 4].Select(i => $"in_{i}");
    private static readonly Gen<string> PlanIds = Gen.OneOf("basic", "pro");
    private static readonly Gen<string?> SessionIds = Gen.OneOf<string?>("cs_1", "cs_2", "cs_3", null);
    private static readonly Gen<string?> ProviderSubscriptionIds = Gen.OneOf<string?>("sub_1", "sub_2", "sub_3", null);
    private static readonly Gen<string> Actors = Gen.OneOf("api:demo", "stripe:evt");
    private static readonly Gen<DateTimeOffset> PeriodEnds = Gen.Int[-3, 9].Select(months => Now.AddMonths(months));
    private static readonly Gen<DateTimeOffset?> TrialEnds = Gen.Int[-10, 20].Select(days => (DateTimeOffset?)Now.AddDays(days));

    private static readonly Gen<LifecycleInput> Inputs = Gen.Frequency<LifecycleInput>(
        (3, Gen.Select(InputIds, PlanIds, SessionIds, LifecycleInput (id, plan, session) =>
            new LifecycleInput.StartCheckout(id, "api:demo", plan, "ada@example.com", session, "cus_1"))),
        (1, Gen.Select(InputIds, SessionIds, LifecycleInput (id, session) =>
            new LifecycleInput.CheckoutExpired(id, session))),
        (3, Gen.Select(InputIds, Gen.OneOf(Trialing, Active), ProviderSubscriptionIds, Gen.OneOf<string?>("basic", "pro", null), PeriodEnds, TrialEnds,
            LifecycleInput (id, status, subscription, plan, periodEnd, trialEnd) =>
                new LifecycleInput.SubscriptionStarted(id, status, subscription, "cus_1", plan, periodEnd.AddMonths(-1), periodEnd, trialEnd))),
        (4, Gen.Select(InputIds, InvoiceIds, Gen.OneOf(0L, 900L, 2900L), ProviderSubscriptionIds, PeriodEnds,
            LifecycleInput (id, invoice, amount, subscription, periodEnd) =>
                new LifecycleInput.InvoicePaid(id, invoice, amount, subscription, periodEnd.AddMonths(-1), periodEnd, "eur"))),
        (3, Gen.Select(InputIds, InvoiceIds, LifecycleInput (id, invoice) =>
            new LifecycleInput.InvoicePaymentFailed(id, invoice))),
        (1, Gen.Select(InputIds, Actors, LifecycleInput (id, actor) => new LifecycleInput.ScheduleCancel(id, actor))),
        (1, Gen.Select(InputIds, Actors, LifecycleInput (id, actor) => new LifecycleInput.UndoCancel(id, actor))),
        (1, Gen.Select(InputIds, Actors, LifecycleInput (id, actor) => new LifecycleInput.EndSubscription(id, actor, "requested"))),
        (1, Gen.Select(InputIds, Actors, LifecycleInput (id, actor) => new LifecycleInput.Pause(id, actor))),
        (1, Gen.Select(InputIds, Actors, LifecycleInput (id, actor) => new LifecycleInput.ResumeCollection(id, actor))),
        (1, Gen.Select(InputIds, LifecycleInput (id) => new LifecycleInput.Resume(id, "api:demo"))),
        (1, Gen.Select(InputIds, PlanIds, LifecycleInput (id, plan) => new LifecycleInput.ChangePlan(id, "api:demo", plan))),
        (4, Gen.Select(InputIds, Gen.Enum<ProviderSubscriptionStatus>(), Gen.Bool, ProviderSubscriptionIds, PeriodEnds, InvoiceIds, Gen.Bool,
            LifecycleInput (id, status, cancelAtPeriodEnd, subscription, periodEnd, invoice, paid) =>
                new LifecycleInput.Reconcile(
                    id,
                    new ProviderSubscription(subscription ?? "sub_1", "cus_1", status, cancelAtPeriodEnd, "price_basic", periodEnd.AddMonths(-1), periodEnd, null, invoice, paid),
                    "basic"))),
        (1, Gen.Select(InputIds, LifecycleInput (id) => new LifecycleInput.RecordFact(id, LifecycleInput.Provider(id), HistoryFact.ChargeRefunded, "amount=900"))),
        (1, Gen.Select(InputIds, Gen.Int[1, 10], LifecycleInput (id, days) =>
            new LifecycleInput.GrantOverride(id, "admin:sam", new OverrideRequest("api", null, true, null, "pilot", Now.AddDays(days))))),
        (1, Gen.Select(InputIds, Gen.Int[1, 3], LifecycleInput (id, n) => new LifecycleInput.RemoveOverride(id, "admin:sam", $"ovr_{n}"))),
        (3, Gen.Int[0, 15].Select(LifecycleInput (days) => new TimePasses(days))),
        (4, Gen.Const<LifecycleInput>(new Wake())));

    /// <summary>
    /// A payment that fails, then time passing in jumps with a wake-up after each: the way into
    /// suspension and the policy's end, which single random inputs seldom walk all the way.
    /// </summary>
    private static readonly Gen<LifecycleInput[]> DunningRuns =
        Gen.Select(InputIds, InvoiceIds, Gen.Int[3, 9].Array[2, 4], (id, invoice, jumps) =>
            new LifecycleInput[] { new LifecycleInput.InvoicePaymentFailed(id, invoice) }
                .Concat(jumps.SelectMany(days => new LifecycleInput[] { new TimePasses(days), new Wake() }))
                .ToArray());

    /// <summary>Fresh inputs and dunning runs, and now and then an earlier input of the same sequence delivered again.</summary>
    private static readonly Gen<LifecycleInput[]> Sequences = Gen.Frequency<(LifecycleInput[] Fresh, int Earlier)>(
            (10, Inputs.Select(input => (new[] { input }, 0))),
            (2, DunningRuns.Select(run => (run, 0))),
            (2, Gen.Int[0, 1000].Select(earlier => (Array.Empty<LifecycleInput>(), earlier))))
        .Array[0, 50]
        .Select(WithRedeliveries);

    [Fact]
    public void State_is_always_one_of_the_tables_states()
    {
        var tableStates = LifecycleTable.Rules.SelectMany(rule => rule.From.Concat(rule.To)).ToHashSet();

        SampleCoveringTheTable(steps =>
        {
            foreach (var step in steps)
            {
                Assert.Contains(step.After.State, tableStates);
            }
        });
    }

    [Fact]
    public void Every_transition_taken_is_one_the_table_allows()
    {
        SampleCoveringTheTable(steps =>
        {
            foreach (var step in steps.Where(step => step.Decision is Decision.Applied { Transition: not null }))
            {
                var transition = ((Decision.Applied)step.Decision).Transition!.Value;
                Assert.True(
                    LifecycleTable.Rule(transition).Allows(step.Before.State, step.After.State),
                    $"{transition} from {step.Before.State} to {step.After.State}");
            }
        });
    }

    [Fact]
    public void Every_fact_keeps_the_state()
    {
        SampleCoveringTheTable(steps =>
        {
            foreach (var step in steps.Where(step => step.Decision is Decision.Applied { Transition: null }))
            {
                Assert.Equal(step.Before.State, step.After.State);
            }
        });
    }

    [Fact]
    public void An_ignored_input_leaves_everything_the_history_records_unchanged()
    {
        SampleCoveringTheTable(steps =>
        {
            foreach (var step in steps.Where(step => step.Decision is Decision.Ignored))
            {
                Assert.Equal(step.Before.State, step.After.State);
                Assert.Equal(step.Before.LastSequence, step.After.LastSequence);
                Assert.Equal(
                    (step.Before.PlanId, step.Before.Terms, step.Before.CurrentPeriodStart, step.Before.CurrentPeriodEnd, step.Before.TrialEnd, step.Before.ProviderSubscriptionId),
                    (step.After.PlanId, step.After.Terms, step.After.CurrentPeriodStart, step.After.CurrentPeriodEnd, step.After.TrialEnd, step.After.ProviderSubscriptionId));
            }
        });
    }

    [Fact]
    public void Entitled_exactly_in_trialing_active_past_due_and_canceling()
    {
        SampleCoveringTheTable(steps =>
        {
            foreach (var step in steps)
            {
                var entitlements = EntitlementRules.For(step.After, Product, step.After.LastSequence);
                var planExists = Product.FindPlan(step.After.PlanId) is not null;
                Assert.Equal(DesignEntitledStates.Contains(step.After.State) && planExists, entitlements.Entitled);
            }
        });
    }

    [Fact]
    public void Not_entitled_means_every_feature_off_and_no_limits_but_what_an_override_in_force_grants()
    {
        SampleCoveringTheTable(steps =>
        {
            foreach (var step in steps)
            {
                var entitlements = EntitlementRules.For(step.After, Product, step.After.LastSequence, new Dictionary<string, decimal>(), step.Now);
                var overridden = step.After.OverridesInForce(step.Now).Select(o => o.Feature ?? o.Limit).ToHashSet();
                Assert.True(
                    entitlements.Entitled
                        || (entitlements.Features.Where(f => f.Value).All(f => overridden.Contains(f.Key)) && entitlements.Limits.Keys.All(overridden.Contains)),
                    $"{step.After.State}: {string.Join(", ", entitlements.Features)}; {string.Join(", ", entitlements.Limits)}");
            }
        });
    }

    [Fact]
    public void An_input_applied_twice_has_the_effect_of_applying_it_once()
    {
        SampleCoveringTheTable(steps =>
        {
            foreach (var step in steps.Where(step => step.Decision is not (Decision.Refused or Decision.Rejected)))
            {
                var again = Assert.IsType<Decision.Ignored>(SubscriptionLifecycle.Decide(step.After, step.Input, Product, step.Now));
                Assert.Equal(IgnoreReason.Duplicate, again.Reason);
                Assert.Equal(step.After, again.Next);
            }
        });
    }

    [Fact]
    public void Redelivering_an_applied_input_later_changes_nothing()
    {
        SampleCoveringTheTable(steps =>
        {
            foreach (var step in steps.Where(step => step.IdTakenBefore))
            {
                var ignored = Assert.IsType<Decision.Ignored>(step.Decision);
                Assert.Equal(IgnoreReason.Duplicate, ignored.Reason);
                Assert.Equal(step.Before, step.After);
            }
        });
    }

    [Fact]
    public void History_grows_by_the_entries_of_each_applied_decision_numbered_on_without_gaps()
    {
        SampleCoveringTheTable(steps =>
        {
            var numbers = new List<long>();
            foreach (var step in steps)
            {
                var entries = step.Decision is Decision.Applied applied ? applied.Entries : [];
                Assert.Equal(step.Before.LastSequence + entries.Count, step.After.LastSequence);
                numbers.AddRange(entries.Select(entry => entry.Sequence));
            }

            Assert.Equal(Enumerable.Range(1, numbers.Count).Select(i => (long)i), numbers);
        });
    }

    [Fact]
    public void Every_entry_names_its_actor_and_every_transition_carries_the_terms_before_and_after()
    {
        SampleCoveringTheTable(steps =>
        {
            foreach (var step in steps.Where(step => step.Decision is Decision.Applied))
            {
                var applied = (Decision.Applied)step.Decision;
                Assert.All(applied.Entries, entry => Assert.Equal(step.Input.Actor, entry.Actor));
                if (applied.Transition is not null)
                {
                    Assert.Equal((step.Before.Terms, step.After.Terms), (applied.Entry.TermsBefore, applied.Entry.TermsAfter));
                }
            }
        });
    }

    [Fact]
    public void Current_period_end_never_decreases()
    {
        SampleCoveringTheTable(steps =>
        {
            foreach (var step in steps)
            {
                Assert.True(
                    step.Before.CurrentPeriodEnd is null || step.After.CurrentPeriodEnd >= step.Before.CurrentPeriodEnd,
                    $"{step.Input}: {step.Before.CurrentPeriodEnd:O} → {step.After.CurrentPeriodEnd:O}");
            }
        });
    }

    [Fact]
    public void A_dunning_episode_is_open_exactly_while_past_due_or_suspended()
    {
        SampleCoveringTheTable(steps =>
        {
            foreach (var step in steps)
            {
                Assert.Equal(step.After.State is PastDue or Suspended, step.After.Dunning is not null);
            }
        });
    }

    /// <summary>
    /// Runs the property over <see cref="Iterations"/> random sequences, then asserts the run as a whole
    /// reached every state of the table and took every one of its transitions.
    /// </summary>
    private static void SampleCoveringTheTable(Action<List<Step>> property)
    {
        var states = new HashSet<SubscriptionState>();
        var transitions = new HashSet<LifecycleTransition>();
        var gate = new object();
        Sequences.Sample(
            inputs =>
            {
                var steps = Replay(inputs);
                property(steps);
                lock (gate)
                {
                    states.UnionWith(steps.Select(step => step.After.State));
                    transitions.UnionWith(steps.Select(step => step.Decision).OfType<Decision.Applied>().Select(applied => applied.Transition).OfType<LifecycleTransition>());
                }
            },
            iter: Iterations);

        Assert.Equal(Enum.GetValues<SubscriptionState>().Order(), states.Order());
        Assert.Equal(LifecycleTable.Rules.Select(rule => rule.Transition).Order(), transitions.Order());
    }

    private static LifecycleInput[] WithRedeliveries((LifecycleInput[] Fresh, int Earlier)[] draws)
    {
        var inputs = new List<LifecycleInput>();
        foreach (var (fresh, earlier) in draws)
        {
            if (fresh.Length > 0)
            {
                inputs.AddRange(fresh);
            }
            else if (inputs.Count > 0)
            {
                inputs.Add(inputs[earlier % inputs.Count]);
            }
        }

        return [.. inputs];
    }

    /// <summary>
    /// Applies <paramref name="inputs"/> in order from a new subscription, one step per input. Time
    /// moves when it passes; a wake-up expires overrides and takes the open episode's due steps, as the
    /// grain's does (or, with no episode open, sends a stale tick).
    /// </summary>
    private static List<Step> Replay(LifecycleInput[] inputs)
    {
        var steps = new List<Step>();
        var current = Subscription.New("demo", "c1");
        var now = Now;
        var takenIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var drawn in inputs)
        {
            if (drawn is TimePasses passes)
            {
                now = now.AddDays(passes.Days);
                continue;
            }

            if (drawn is Wake)
            {
                // As the grain's wake-up: every override that expired, then every dunning step now due, in order.
                foreach (var due in WakeInputs(current, now))
                {
                    current = Take(steps, takenIds, current, due, now);
                }

                continue;
            }

            current = Take(steps, takenIds, current, drawn, now);
        }

        return steps;
    }

    /// <summary>What a wake-up decides at <paramref name="now"/>: expiries, then the next dunning step while one is due (or a stale tick).</summary>
    private static IEnumerable<LifecycleInput> WakeInputs(Subscription current, DateTimeOffset now)
    {
        if (current.Overrides.Any(o => o.ExpiresAt <= now))
        {
            yield return new LifecycleInput.ExpireOverrides($"clock:{now.ToUnixTimeMilliseconds()}");
        }

        yield return current.Dunning is { NextStep: { } next } episode
            ? LifecycleInput.TakeDunningStep.For(episode.Number, next)
            : LifecycleInput.TakeDunningStep.For(1, 0);
    }

    private static Subscription Take(List<Step> steps, HashSet<string> takenIds, Subscription current, LifecycleInput input, DateTimeOffset now)
    {
        while (true)
        {
            var decision = SubscriptionLifecycle.Decide(current, input, Product, now);
            var after = decision switch
            {
                Decision.Applied applied => applied.Next,
                Decision.Ignored ignored => ignored.Next,
                _ => current,
            };
            steps.Add(new Step(current, input, decision, after, now, takenIds.Contains(input.InputId)));

            // A refused or rejected input is not taken: the same id may still be applied later.
            if (decision is not (Decision.Refused or Decision.Rejected))
            {
                takenIds.Add(input.InputId);
            }

            // A dunning step taken may leave the next one due already: the wake-up takes it too.
            if (input is not LifecycleInput.TakeDunningStep || decision is not Decision.Applied
                || after.Dunning is not { NextStep: { } next, NextDueAt: { } dueAt } episode || dueAt > now)
            {
                return after;
            }

            current = after;
            input = LifecycleInput.TakeDunningStep.For(episode.Number, next);
        }
    }

    /// <param name="IdTakenBefore">An earlier input with the same id was applied or ignored (not refused).</param>
    private sealed record Step(Subscription Before, LifecycleInput Input, Decision Decision, Subscription After, DateTimeOffset Now, bool IdTakenBefore);

    /// <summary>Not an input of the lifecycle: the replay's clock moves on.</summary>
    private sealed record TimePasses(int Days) : LifecycleInput("time", "clock");

    /// <summary>Not an input of the lifecycle: the grain's wake-up, which decides what time has brought.</summary>
    private sealed record Wake() : LifecycleInput("wake", "clock");
}
