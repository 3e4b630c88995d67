using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Lifecycle;
using static OrleansBilling.GrainInterfaces.Lifecycle.SubscriptionState;

namespace OrleansBilling.Grains.Lifecycle;

/// <summary>
/// What every transition brings with it, in one place: a failed payment opens a dunning episode,
/// recovery and every ending close it, and each lifecycle moment sends the product's email once
/// (its sent-log key is the history entry's sequence number, or the episode's).
/// </summary>
public static class LifecycleConsequences
{
    /// <summary>The subscription as the transition leaves it, and the effects it brings.</summary>
    public static (Subscription Next, IReadOnlyList<Effect> Effects) Of(
        LifecycleTransition? transition, string name, Subscription before, Subscription next, DateTimeOffset now, DunningPolicy policy)
    {
        var effects = new List<Effect>();
        var sequence = next.LastSequence;

        if (transition == LifecycleTransition.PaymentFailed && next.Dunning is null)
        {
            var episode = new DunningEpisode(next.DunningEpisodes + 1, now, next.OpenInvoiceId, policy, StepsTaken: 0);
            next = next with { Dunning = episode, DunningEpisodes = episode.Number };
            effects.Add(new Effect.ArmDunning(episode.NextDueAt!.Value));
        }

        if (before.Dunning is { } open && next.State is not (PastDue or Suspended))
        {
            next = next with { Dunning = null };
            effects.Add(new Effect.StopDunning());
            if (transition == LifecycleTransition.PaymentRecovered)
            {
                effects.Add(new Effect.SendEmail("payment_recovered", $"recovered:{open.Number}"));
            }
        }

        if (transition == LifecycleTransition.WonBack)
        {
            next = next with { WinBacks = next.WinBacks + 1, LastWonBackAt = now };
        }

        var email = transition switch
        {
            LifecycleTransition.Activated or LifecycleTransition.TrialStarted => "welcome",
            LifecycleTransition.WonBack => "win_back",
            LifecycleTransition.PlanChanged => "plan_changed",
            LifecycleTransition.Canceled => "subscription_canceled",
            null when name == "TrialWillEnd" => "trial_will_end",
            _ => null,
        };
        if (email is not null)
        {
            effects.Add(new Effect.SendEmail(email, $"{email}:{sequence}"));
        }

        return (next, effects);
    }
}
