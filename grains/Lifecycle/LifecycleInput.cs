using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Payments;

namespace OrleansBilling.Grains.Lifecycle;

/// <summary>
/// Something that may change a subscription: a product's or an admin's command, a provider's fact,
/// or what time brings. Each carries an id; an input whose id was applied before has no further effect.
/// </summary>
/// <param name="InputId">Unique per input: the provider's event id, or an id the grain derives for a command.</param>
/// <param name="Actor">Who caused it, for the record: <c>api:&lt;product&gt;</c>, <c>stripe:&lt;event id&gt;</c>, <c>dunning</c>, <c>admin:&lt;name&gt;</c>, <c>clock</c>.</param>
public abstract record LifecycleInput(string InputId, string Actor)
{
    /// <summary>The prefix of every actor that is the payment provider.</summary>
    public const string ProviderActorPrefix = "stripe:";

    /// <summary>
    /// The one change a provider input tells of, when another input with another id may tell it again
    /// (Stripe may send two events for one change): an input whose change was applied before has no further effect.
    /// </summary>
    public string? ChangeId { get; init; }

    /// <summary>True when the payment provider, not a person or product, says this happened.</summary>
    public bool FromProvider => Actor.StartsWith(ProviderActorPrefix, StringComparison.Ordinal);

    /// <summary>The actor of a provider event.</summary>
    public static string Provider(string eventId) => ProviderActorPrefix + eventId;

    /// <summary>
    /// A hosted checkout was opened at the provider for a plan; <paramref name="Fingerprint"/> says what
    /// for (plan, address, URLs), <paramref name="ExpiresAt"/> when the provider ends it.
    /// </summary>
    public sealed record StartCheckout(
        string InputId, string Actor, string PlanId, string? Email, string? SessionId, string? ProviderCustomerId, string? SessionUrl = null,
        string? Fingerprint = null, DateTimeOffset? ExpiresAt = null)
        : LifecycleInput(InputId, Actor);

    /// <summary>A checkout session expired without being completed.</summary>
    public sealed record CheckoutExpired(string InputId, string? SessionId) : LifecycleInput(InputId, Provider(InputId));

    /// <summary>The provider created the subscription, trialing or active.</summary>
    public sealed record SubscriptionStarted(
        string InputId,
        SubscriptionState Status,
        string? ProviderSubscriptionId,
        string? ProviderCustomerId,
        string? PlanId,
        DateTimeOffset? PeriodStart,
        DateTimeOffset? PeriodEnd,
        DateTimeOffset? TrialEnd) : LifecycleInput(InputId, Provider(InputId));

    /// <summary>An invoice was paid.</summary>
    public sealed record InvoicePaid(
        string InputId,
        string InvoiceId,
        long AmountMinor,
        string? ProviderSubscriptionId,
        DateTimeOffset? PeriodStart,
        DateTimeOffset? PeriodEnd,
        string? Currency = null) : LifecycleInput(InputId, Provider(InputId));

    /// <summary>An attempt to pay an invoice failed.</summary>
    public sealed record InvoicePaymentFailed(string InputId, string InvoiceId, string? ProviderSubscriptionId = null, string? HostedInvoiceUrl = null)
        : LifecycleInput(InputId, Provider(InputId));

    /// <summary>The subscription will end at the period end (API or provider).</summary>
    public sealed record ScheduleCancel(string InputId, string Actor) : LifecycleInput(InputId, Actor);

    /// <summary>A scheduled cancel was withdrawn at the provider.</summary>
    public sealed record UndoCancel(string InputId, string Actor) : LifecycleInput(InputId, Actor);

    /// <summary>The subscription ended now (API cancel now, or the provider deleted it).</summary>
    public sealed record EndSubscription(string InputId, string Actor, string Reason) : LifecycleInput(InputId, Actor);

    /// <summary>Collection was paused: asked by a product or support (with <paramref name="Request"/>), or seen at the provider.</summary>
    public sealed record Pause(string InputId, string Actor, PauseRequest? Request = null) : LifecycleInput(InputId, Actor);

    /// <summary>Collection resumed after a pause, at the provider.</summary>
    public sealed record ResumeCollection(string InputId, string Actor) : LifecycleInput(InputId, Actor);

    /// <summary>
    /// A product or support asks to resume: a paused subscription resumes collection, a subscription
    /// canceling at the period end keeps running. Which of the two is the lifecycle's decision.
    /// </summary>
    public sealed record Resume(string InputId, string Actor) : LifecycleInput(InputId, Actor);

    /// <summary>The customer moves to another plan at the period end.</summary>
    public sealed record SchedulePlanChange(string InputId, string Actor, string PlanId) : LifecycleInput(InputId, Actor);

    /// <summary>A plan change scheduled for the period end is withdrawn.</summary>
    public sealed record UnschedulePlanChange(string InputId, string Actor) : LifecycleInput(InputId, Actor);

    /// <summary>The customer moves to another plan of the product.</summary>
    public sealed record ChangePlan(string InputId, string Actor, string PlanId) : LifecycleInput(InputId, Actor);

    /// <summary>
    /// The provider's subscription as it is now (fetched, or an event's snapshot that agrees with
    /// what is known): the subscription follows it through whichever transition of the table leads there.
    /// </summary>
    /// <param name="InputId">The id of the event that caused the fetch.</param>
    /// <param name="Observed">The provider's subscription.</param>
    /// <param name="PlanId">The plan its price maps to, if any.</param>
    public sealed record Reconcile(string InputId, ProviderSubscription Observed, string? PlanId) : LifecycleInput(InputId, Provider(InputId));

    /// <summary>The next step of the open dunning episode is due.</summary>
    /// <param name="InputId">One per episode and step, so a step is taken at most once.</param>
    /// <param name="Episode">The episode's number; a tick for a closed episode is stale.</param>
    /// <param name="Step">The step's index; a step taken before is not taken again.</param>
    public sealed record TakeDunningStep(string InputId, int Episode, int Step) : LifecycleInput(InputId, "dunning")
    {
        public static TakeDunningStep For(int episode, int step) => new($"dunning:{episode}:{step}", episode, step);
    }

    /// <summary>Something worth the history that changes no state (a refund, a finalized invoice).</summary>
    /// <summary>
    /// Support or finance refunded <paramref name="Refund"/> of a charge through the service; the charge's
    /// refunded total is <paramref name="RefundedAfter"/> now. Stripe's own events about this refund are the same change.
    /// </summary>
    public sealed record IssueRefund(string InputId, string Actor, RefundView Refund, string Reason, long RefundedAfter) : LifecycleInput(InputId, Actor);

    public sealed record RecordFact(string InputId, string Actor, HistoryFact Fact, string? Detail, Money? Amount = null) : LifecycleInput(InputId, Actor);

    /// <summary>Support switches a feature or sets a limit for the customer until a date.</summary>
    public sealed record GrantOverride(string InputId, string Actor, OverrideRequest Request) : LifecycleInput(InputId, Actor);

    /// <summary>Support removes an override before it expires.</summary>
    public sealed record RemoveOverride(string InputId, string Actor, string OverrideId) : LifecycleInput(InputId, Actor);

    /// <summary>Time passed: every override whose expiry is reached stops, each recorded.</summary>
    public sealed record ExpireOverrides(string InputId) : LifecycleInput(InputId, "clock");

    /// <summary>The customer's email address as the provider knew it at <paramref name="ObservedAt"/>; an older observation than the last is stale.</summary>
    public sealed record ObserveEmail(string InputId, string Actor, string Email, DateTimeOffset ObservedAt) : LifecycleInput(InputId, Actor);

    /// <summary>
    /// A lifecycle email could not be sent (the provider refused it for good), so the record says so.
    /// </summary>
    public sealed record EmailGivenUp(string InputId, string Template, string Reason) : LifecycleInput(InputId, "email");
}
