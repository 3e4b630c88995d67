using Orleans.Concurrency;
using OrleansBilling.GrainInterfaces.Usage;

namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>
/// One customer's subscription to one product, keyed <c>"{productId}/{customerId}"</c>
/// (<see cref="BillingIds.SubscriptionKey"/>). Every change to it is serialized here.
/// </summary>
[Alias("billing.ISubscriptionGrain")]
public interface ISubscriptionGrain : IWakeable
{
    /// <summary>The subscription's state, plan, period and recent history. A never-seen customer is in <c>None</c>.</summary>
    [ReadOnly, Alias("GetSubscription")]
    Task<SubscriptionView> GetSubscription();

    /// <summary>The open dunning episode: steps taken, the next step and when; closed when none runs.</summary>
    [ReadOnly, Alias("GetDunning")]
    Task<DunningView> GetDunning();

    /// <summary>What the customer may use now.</summary>
    [ReadOnly, Alias("GetEntitlements")]
    Task<EntitlementsView> GetEntitlements();

    /// <summary>Opens a hosted checkout for a plan (<c>CheckoutStarted</c>); again if an earlier one was abandoned.</summary>
    [Alias("StartCheckout")]
    Task<CommandResult<CheckoutView>> StartCheckout(CheckoutRequest request, CommandContext context);

    /// <summary>Cancels now (<c>Canceled</c>) or at the period end (<c>CancelScheduled</c>).</summary>
    [Alias("Cancel")]
    Task<CommandResult<SubscriptionView>> Cancel(bool atPeriodEnd, CommandContext context);

    /// <summary>Pauses collection (<c>Paused</c>): the subscription runs on, its invoices are not charged.</summary>
    [Alias("Pause")]
    Task<CommandResult<SubscriptionView>> Pause(PauseRequest request, CommandContext context);

    /// <summary>Undoes a scheduled cancel (<c>CancelUndone</c>) or resumes a pause (<c>Resumed</c>).</summary>
    [Alias("Resume")]
    Task<CommandResult<SubscriptionView>> Resume(CommandContext context);

    /// <summary>Moves to another plan of the product (<c>PlanChanged</c>), charged as <paramref name="proration"/> says.</summary>
    [Alias("ChangePlan")]
    Task<CommandResult<SubscriptionView>> ChangePlan(string planId, ProrationMode proration, CommandContext context);

    /// <summary>
    /// Refunds a payment of the customer through the provider, whole or in part, never more than remains
    /// refundable; recorded in the history with who and why (<see cref="HistoryFact.RefundIssued"/>), and the
    /// customer is told (<c>refund_issued</c>). Optionally cancels the subscription now in the same call.
    /// </summary>
    [Alias("Refund")]
    Task<CommandResult<RefundView>> Refund(RefundRequest request, CommandContext context);

    /// <summary>
    /// Schedules a move to another plan at the period end (<see cref="HistoryFact.PlanChangeScheduled"/>): the
    /// provider bills the next period at the new price, the current plan applies until then.
    /// </summary>
    [Alias("SchedulePlanChange")]
    Task<CommandResult<SubscriptionView>> SchedulePlanChange(string planId, CommandContext context);

    /// <summary>Withdraws a scheduled plan change (<see cref="HistoryFact.PlanChangeUnscheduled"/>); the provider's price goes back.</summary>
    [Alias("UnschedulePlanChange")]
    Task<CommandResult<SubscriptionView>> UnschedulePlanChange(CommandContext context);

    /// <summary>
    /// Charges the open invoice of a failed payment now (support's retry, outside the dunning policy's own), recorded as
    /// <see cref="HistoryFact.PaymentRetried"/> whatever the bank answers; a decline is <see cref="CommandErrorCode.PaymentDeclined"/>.
    /// </summary>
    [Alias("RetryPayment")]
    Task<CommandResult<SubscriptionView>> RetryPayment(CommandContext context);

    /// <summary>What moving to <paramref name="planId"/> now would cost, from the provider's invoice preview; nothing changes.</summary>
    [ReadOnly, Alias("PreviewPlanChange")]
    Task<CommandResult<PlanChangePreview>> PreviewPlanChange(string planId, ProrationMode proration);

    /// <summary>A link to the provider's billing portal, where the customer manages cards and invoices.</summary>
    [Alias("CreatePortalSession")]
    Task<CommandResult<PortalView>> CreatePortalSession(string returnUrl, CommandContext context);

    /// <summary>
    /// The customer's most recent invoices, newest first; empty before the first checkout. The provider
    /// holds them, so its outage is a refusal (<see cref="CommandErrorCode.ProviderUnavailable"/>), not an error.
    /// </summary>
    [ReadOnly, Alias("GetInvoices")]
    Task<CommandResult<IReadOnlyList<InvoiceView>>> GetInvoices();

    /// <summary>Applies a verified payment-provider event: at most once per event id, only through the lifecycle table.</summary>
    [Alias("ApplyProviderEvent")]
    Task<EventOutcome> ApplyProviderEvent(ProviderEvent providerEvent);

    /// <summary>The subscription's whole history, newest first, <paramref name="limit"/> entries before <paramref name="beforeSequence"/> (from the newest when null).</summary>
    [ReadOnly, Alias("GetHistory")]
    Task<IReadOnlyList<HistoryEntry>> GetHistory(long? beforeSequence, int limit);

    /// <summary>The billing period usage counts in (for the customer's usage grain, which asks when it knows none).</summary>
    [AlwaysInterleave, Alias("GetBillingPeriod")]
    Task<BillingPeriod> GetBillingPeriod();

    /// <summary>
    /// The customer's usage changed: entitlements computed before this notice are stale, here and in the gateway of this
    /// grain's silo (awaited, so usage is acknowledged only once its subscription's answer is stale).
    /// </summary>
    [AlwaysInterleave, Alias("UsageChanged")]
    Task UsageChanged();

    /// <summary>
    /// Usage reached shares of its limits: each is recorded (<c>UsageThresholdReached</c>) and told to the product once per period.
    /// One-way, so the usage grain never waits on the subscription (which reads usage itself).
    /// </summary>
    [OneWay, Alias("UsageThresholdsReached")]
    Task UsageThresholdsReached(IReadOnlyList<UsageThreshold> thresholds);

    /// <summary>
    /// The customer's lifecycle emails: the most recent sent (emails the provider refused for good are in the history as
    /// <see cref="HistoryFact.EmailNotSent"/>), newest first, after those still waiting to go.
    /// </summary>
    [ReadOnly, Alias("GetEmails")]
    Task<IReadOnlyList<EmailView>> GetEmails();

    /// <summary>The support overrides in force.</summary>
    [ReadOnly, Alias("GetOverrides")]
    Task<IReadOnlyList<OverrideView>> GetOverrides();

    /// <summary>Grants a support override; recorded in the history with who and why.</summary>
    [Alias("GrantOverride")]
    Task<CommandResult<OverrideView>> GrantOverride(OverrideRequest request, CommandContext context);

    /// <summary>Removes a support override before it expires; recorded in the history with who.</summary>
    [Alias("RemoveOverride")]
    Task<CommandResult<OverrideView>> RemoveOverride(string overrideId, CommandContext context);
}
