using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;
using static OrleansBilling.GrainInterfaces.Lifecycle.SubscriptionState;

namespace OrleansBilling.Grains.Lifecycle;

/// <summary>
/// What every transition brings with it, in one place: a failed payment opens a dunning episode,
/// recovery and every ending close it, and each lifecycle moment asks for the product's email once
/// (its sent-log key is the history entry's sequence number, or the episode's). The episode's
/// schedule is state: the grain wakes itself for its next step.
/// </summary>
public static class LifecycleConsequences
{
    /// <summary>The subscription as the transition (or fact) leaves it, and the emails it asks for, <paramref name="asked"/> first.</summary>
    public static (Subscription Next, IReadOnlyList<LifecycleEmail> Emails) Of(
        LifecycleTransition? transition, HistoryFact? fact, Subscription before, Subscription next, DateTimeOffset now, DunningPolicy policy,
        IReadOnlyList<LifecycleEmail> asked)
    {
        var emails = new List<LifecycleEmail>(asked);
        var sequence = next.LastSequence;

        if (transition == LifecycleTransition.PaymentFailed && next.Dunning is null)
        {
            var episode = new DunningEpisode(next.DunningEpisodes + 1, now, next.OpenInvoiceId, policy, StepsTaken: 0);
            next = next with { Dunning = episode, DunningEpisodes = episode.Number };
        }

        if (before.Dunning is { } open && next.State is not (PastDue or Suspended))
        {
            next = next with { Dunning = null };
            if (transition == LifecycleTransition.PaymentRecovered)
            {
                emails.Add(new LifecycleEmail("payment_recovered", $"recovered:{open.Number}"));
            }
        }

        if (transition == LifecycleTransition.WonBack)
        {
            next = next with { WinBacks = next.WinBacks + 1, LastWonBackAt = now };
        }

        var template = transition switch
        {
            LifecycleTransition.Activated or LifecycleTransition.TrialStarted => "welcome",
            LifecycleTransition.WonBack => "win_back",
            LifecycleTransition.PlanChanged => "plan_changed",
            LifecycleTransition.Canceled => "subscription_canceled",
            null when fact == HistoryFact.TrialWillEnd => "trial_will_end",
            _ => null,
        };
        if (template is not null)
        {
            emails.Add(new LifecycleEmail(template, $"{template}:{sequence}"));
        }

        return (next, emails);
    }
}
