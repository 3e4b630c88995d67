using CsCheck;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Lifecycle;
using OrleansBilling.Grains.Payments;
using Xunit;
using static OrleansBilling.GrainInterfaces.Lifecycle.SubscriptionState;
using static OrleansBilling.Tests.Lifecycle.LifecycleFixture;

namespace OrleansBilling.Tests.Lifecycle;

/// <summary>
/// Random sequences of every kind of input, with ids drawn from small pools so that duplicates,
/// repeated invoices and re-deliveries happen, replayed from a new subscription.
/// </summary>
public sealed class LifecyclePropertyTests
{
    private static readonly SubscriptionState[] DesignEntitledStates = [Trialing, Active, PastDue, Canceling];

    private static readonly Gen<string> InputIds = Gen.Int[1, 30].Select(i => $"evt_{i}");
    private static readonly Gen<string> InvoiceIds = Gen.Int[1, 4].Select(i => $"in_{i}");
    private static readonly Gen<string> PlanIds = Gen.OneOf("basic", "pro");
    private static readonly Gen<string?> SessionIds = Gen.OneOf<string?>("cs_1", "cs_2", "cs_3", null);
    private static readonly Gen<string?> ProviderSubscriptionIds = Gen.OneOf<string?>("sub_1", "sub_2", "sub_3", null);
    private static readonly Gen<string> Sources = Gen.OneOf("api:demo", "stripe:evt");
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
                new LifecycleInput.InvoicePaid(id, invoice, amount, subscription, periodEnd.AddMonths(-1), periodEnd))),
        (3, Gen.Select(InputIds, InvoiceIds, LifecycleInput (id, invoice) =>
            new LifecycleInput.InvoicePaymentFailed(id, invoice))),
        (1, Gen.Select(InputIds, Sources, LifecycleInput (id, source) => new LifecycleInput.ScheduleCancel(id, source))),
        (1, Gen.Select(InputIds, Sources, LifecycleInput (id, source) => new LifecycleInput.UndoCancel(id, source))),
        (1, Gen.Select(InputIds, Sources, LifecycleInput (id, source) => new LifecycleInput.EndSubscription(id, source, "requested"))),
        (1, Gen.Select(InputIds, Sources, LifecycleInput (id, source) => new LifecycleInput.Pause(id, source))),
        (1, Gen.Select(InputIds, Sources, LifecycleInput (id, source) => new LifecycleInput.ResumeCollection(id, source))),
        (1, Gen.Select(InputIds, PlanIds, LifecycleInput (id, plan) => new LifecycleInput.ChangePlan(id, "api:demo", plan))),
        (4, Gen.Select(InputIds, Gen.Enum<ProviderSubscriptionStatus>(), Gen.Bool, ProviderSubscriptionIds, PeriodEnds, InvoiceIds, Gen.Bool,
            LifecycleInput (id, status, cancelAtPeriodEnd, subscription, periodEnd, invoice, paid) =>
                new LifecycleInput.Reconcile(
                    id,
                    new ProviderSubscription(subscription ?? "sub_1", "cus_1", status, cancelAtPeriodEnd, "price_basic", periodEnd.AddMonths(-1), periodEnd, null, invoice, paid),
                    "basic"))),
        (1, Gen.Select(InputIds, LifecycleInput (id) => new LifecycleInput.RecordFact(id, LifecycleInput.Provider(id), HistoryFact.ChargeRefunded, "amount=900"))),
        (2, Gen.Select(Gen.Int[1, 3], Gen.Int[0, 4], LifecycleInput (episode, step) => LifecycleInput.TakeDunningStep.For(episode, step))));

    /// <summary>Fresh inputs, and now and then an earlier input of the same sequence delivered again.</summary>
    private static readonly Gen<LifecycleInput[]> Sequences = Gen.Frequency<(LifecycleInput? Fresh, int Earlier)>(
            (5, Inputs.Select(input => ((LifecycleInput?)input, 0))),
            (1, Gen.Int[0, 1000].Select(earlier => ((LifecycleInput?)null, earlier))))
        .Array[0, 50]
        .Select(WithRedeliveries);

    [Fact]
    public void State_is_always_one_of_the_tables_states()
    {
        var tableStates = LifecycleTable.Rules.SelectMany(rule => rule.From.Concat(rule.To)).ToHashSet();

        Sequences.Sample(inputs =>
        {
            foreach (var step in Replay(inputs))
            {
                Assert.Contains(step.After.State, tableStates);
            }
        });
    }

    [Fact]
    public void Every_transition_taken_is_one_the_table_allows()
    {
        Sequences.Sample(inputs =>
        {
            foreach (var step in Replay(inputs).Where(step => step.Decision is Decision.Applied { Transition: not null }))
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
        Sequences.Sample(inputs =>
        {
            foreach (var step in Replay(inputs).Where(step => step.Decision is Decision.Applied { Transition: null }))
            {
                Assert.Equal(step.Before.State, step.After.State);
            }
        });
    }

    [Fact]
    public void Ignored_and_refused_inputs_leave_the_state_unchanged()
    {
        Sequences.Sample(inputs =>
        {
            foreach (var step in Replay(inputs).Where(step => step.Decision is Decision.Ignored or Decision.Refused))
            {
                Assert.Equal(step.Before.State, step.After.State);
            }
        });
    }

    [Fact]
    public void Entitled_exactly_in_trialing_active_past_due_and_canceling()
    {
        Sequences.Sample(inputs =>
        {
            foreach (var step in Replay(inputs))
            {
                var entitlements = EntitlementRules.For(step.After, Product, step.After.LastSequence);
                var planExists = Product.FindPlan(step.After.PlanId) is not null;
                Assert.Equal(DesignEntitledStates.Contains(step.After.State) && planExists, entitlements.Entitled);
            }
        });
    }

    [Fact]
    public void Not_entitled_means_every_feature_off_and_no_limits()
    {
        Sequences.Sample(inputs =>
        {
            foreach (var step in Replay(inputs))
            {
                var entitlements = EntitlementRules.For(step.After, Product, step.After.LastSequence);
                Assert.True(
                    entitlements.Entitled || (entitlements.Features.Values.All(on => !on) && entitlements.Limits.Count == 0),
                    $"{step.After.State}: {string.Join(", ", entitlements.Features)}; {string.Join(", ", entitlements.Limits)}");
            }
        });
    }

    [Fact]
    public void An_input_applied_twice_has_the_effect_of_applying_it_once()
    {
        Sequences.Sample(inputs =>
        {
            foreach (var step in Replay(inputs).Where(step => step.Decision is not Decision.Refused))
            {
                var again = Assert.IsType<Decision.Ignored>(Decide(step.After, step.Input));
                Assert.Equal(IgnoreReason.Duplicate, again.Reason);
                Assert.Equal(step.After.AppliedInputIds, again.Next.AppliedInputIds);
                Assert.Equal(step.After, again.Next);
            }
        });
    }

    [Fact]
    public void A_refused_input_delivered_again_right_away_is_refused_again()
    {
        Sequences.Sample(inputs =>
        {
            foreach (var step in Replay(inputs).Where(step => step.Decision is Decision.Refused))
            {
                Assert.Equal(step.Decision, Decide(step.After, step.Input));
            }
        });
    }

    [Fact]
    public void Redelivering_an_applied_input_later_changes_nothing()
    {
        Sequences.Sample(inputs =>
        {
            foreach (var step in Replay(inputs).Where(step => step.IdTakenBefore))
            {
                var ignored = Assert.IsType<Decision.Ignored>(step.Decision);
                Assert.Equal(IgnoreReason.Duplicate, ignored.Reason);
                Assert.Equal(step.Before.AppliedInputIds, step.After.AppliedInputIds);
                Assert.Equal(step.Before, step.After);
            }
        });
    }

    [Fact]
    public void History_sequence_grows_by_one_per_applied_decision()
    {
        Sequences.Sample(inputs =>
        {
            foreach (var step in Replay(inputs))
            {
                var growth = step.Decision is Decision.Applied ? 1 : 0;
                Assert.Equal(step.Before.LastSequence + growth, step.After.LastSequence);
            }
        });
    }

    [Fact]
    public void History_entries_are_numbered_one_two_three_in_order()
    {
        Sequences.Sample(inputs =>
        {
            var entries = Replay(inputs).Select(step => step.Decision).OfType<Decision.Applied>().Select(applied => applied.Entry.Sequence).ToList();

            Assert.Equal(Enumerable.Range(1, entries.Count).Select(i => (long)i), entries);
        });
    }

    [Fact]
    public void Current_period_end_never_decreases()
    {
        Sequences.Sample(inputs =>
        {
            foreach (var step in Replay(inputs))
            {
                Assert.True(
                    step.Before.CurrentPeriodEnd is null || step.After.CurrentPeriodEnd >= step.Before.CurrentPeriodEnd,
                    $"{step.Input}: {step.Before.CurrentPeriodEnd:O} → {step.After.CurrentPeriodEnd:O}");
            }
        });
    }

    private static LifecycleInput[] WithRedeliveries((LifecycleInput? Fresh, int Earlier)[] draws)
    {
        var inputs = new List<LifecycleInput>();
        foreach (var (fresh, earlier) in draws)
        {
            if (fresh is not null)
            {
                inputs.Add(fresh);
            }
            else if (inputs.Count > 0)
            {
                inputs.Add(inputs[earlier % inputs.Count]);
            }
        }

        return [.. inputs];
    }

    /// <summary>Applies <paramref name="inputs"/> in order from a new subscription, one step per input.</summary>
    private static List<Step> Replay(LifecycleInput[] inputs)
    {
        var steps = new List<Step>();
        var current = Subscription.New("demo", "c1");
        var takenIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            var decision = Decide(current, input);
            var next = decision switch
            {
                Decision.Applied applied => applied.Next,
                Decision.Ignored ignored => ignored.Next,
                _ => current,
            };
            steps.Add(new Step(current, input, decision, next, takenIds.Contains(input.InputId)));

            // A refused input is not taken: the same id may still be applied later.
            if (decision is not Decision.Refused)
            {
                takenIds.Add(input.InputId);
            }

            current = next;
        }

        return steps;
    }

    /// <param name="IdTakenBefore">An earlier input with the same id was applied or ignored (not refused).</param>
    private sealed record Step(Subscription Before, LifecycleInput Input, Decision Decision, Subscription After, bool IdTakenBefore);
}
