using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.Grains.Payments;

namespace OrleansBilling.Grains.Lifecycle;

/// <summary>
/// Something that may change a subscription: a product's command or a provider's fact. Each
/// carries an id; an input whose id was applied before has no further effect.
/// </summary>
/// <param name="InputId">Unique per input: the provider's event id, or an id the grain derives for a command.</param>
/// <param name="Source">Who caused it, for the history: <c>api</c>, <c>provider</c>, <c>dunning</c>, <c>admin</c>.</param>
public abstract record LifecycleInput(string InputId, string Source)
{
    /// <summary>
    /// The one change a provider input tells of, when another input with another id may tell it again
    /// (Stripe may send two events for one change): an input whose change was applied before has no further effect.
    /// </summary>
    public string? ChangeId { get; init; }

    /// <summary>A hosted checkout was opened at the provider for a plan.</summary>
    public sealed record StartCheckout(string InputId, string PlanId, string? Email, string? SessionId, string? ProviderCustomerId)
        : LifecycleInput(InputId, "api");

    /// <summary>A checkout session expired without being completed.</summary>
    public sealed record CheckoutExpired(string InputId, string? SessionId) : LifecycleInput(InputId, "provider");

    /// <summary>The provider created the subscription, trialing or active.</summary>
    public sealed record SubscriptionStarted(
        string InputId,
        SubscriptionState Status,
        string? ProviderSubscriptionId,
        string? ProviderCustomerId,
        string? PlanId,
        DateTimeOffset? PeriodStart,
        DateTimeOffset? PeriodEnd,
        DateTimeOffset? TrialEnd) : LifecycleInput(InputId, "provider");

    /// <summary>An invoice was paid.</summary>
    public sealed record InvoicePaid(
        string InputId,
        string InvoiceId,
        long AmountMinor,
        string? ProviderSubscriptionId,
        DateTimeOffset? PeriodStart,
        DateTimeOffset? PeriodEnd) : LifecycleInput(InputId, "provider");

    /// <summary>An attempt to pay an invoice failed.</summary>
    public sealed record InvoicePaymentFailed(string InputId, string InvoiceId, string? ProviderSubscriptionId = null, string? HostedInvoiceUrl = null) : LifecycleInput(InputId, "provider");

    /// <summary>The subscription will end at the period end (API or provider).</summary>
    public sealed record ScheduleCancel(string InputId, string Source) : LifecycleInput(InputId, Source);

    /// <summary>A scheduled cancel was withdrawn (API or provider).</summary>
    public sealed record UndoCancel(string InputId, string Source) : LifecycleInput(InputId, Source);

    /// <summary>The subscription ended now (API cancel now, or the provider deleted it).</summary>
    public sealed record EndSubscription(string InputId, string Source, string Reason) : LifecycleInput(InputId, Source);

    /// <summary>Collection was paused.</summary>
    public sealed record Pause(string InputId, string Source) : LifecycleInput(InputId, Source);

    /// <summary>Collection resumed after a pause.</summary>
    public sealed record ResumeCollection(string InputId, string Source) : LifecycleInput(InputId, Source);

    /// <summary>The customer moves to another plan of the product.</summary>
    public sealed record ChangePlan(string InputId, string PlanId) : LifecycleInput(InputId, "api");

    /// <summary>
    /// The provider's subscription as it is now (fetched, not taken from an event's snapshot):
    /// the subscription follows it through whichever transition of the table leads there.
    /// </summary>
    /// <param name="InputId">The id of the event that caused the fetch.</param>
    /// <param name="Observed">The provider's subscription.</param>
    /// <param name="PlanId">The plan its price maps to, if any.</param>
    public sealed record Reconcile(string InputId, ProviderSubscription Observed, string? PlanId) : LifecycleInput(InputId, "provider");

    /// <summary>The next step of the open dunning episode is due.</summary>
    /// <param name="InputId">One per episode and step, so a step is taken at most once.</param>
    /// <param name="Episode">The episode's number; a tick for a closed episode is stale.</param>
    /// <param name="Step">The step's index; a step taken before is not taken again.</param>
    public sealed record TakeDunningStep(string InputId, int Episode, int Step) : LifecycleInput(InputId, "dunning")
    {
        public static TakeDunningStep For(int episode, int step) => new($"dunning:{episode}:{step}", episode, step);
    }

    /// <summary>Something worth the history that changes no state (a refund, a finalized invoice).</summary>
    public sealed record RecordFact(string InputId, string Source, string Name, string? Detail) : LifecycleInput(InputId, Source);
}
