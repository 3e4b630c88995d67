namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>
/// Things worth the history that are not transitions of the lifecycle table: the state stays, and
/// the entry says what happened. Stored by name; only ever added to.
/// </summary>
public enum HistoryFact
{
    /// <summary>An invoice was paid without moving the state (an extra invoice, a proration).</summary>
    InvoicePaid,
    /// <summary>Another attempt to pay the open invoice failed while dunning runs.</summary>
    PaymentAttemptFailed,
    /// <summary>The provider finalized an invoice.</summary>
    InvoiceFinalized,
    /// <summary>A payment needs the customer's action (3-D Secure).</summary>
    PaymentActionRequired,
    /// <summary>A charge was refunded, wholly or in part.</summary>
    ChargeRefunded,
    RefundCreated,
    RefundUpdated,
    RefundFailed,
    /// <summary>The provider deleted its customer.</summary>
    ProviderCustomerDeleted,
    /// <summary>The provider announced the end of the trial.</summary>
    TrialWillEnd,
    /// <summary>Support switched a feature or set a limit until a date.</summary>
    OverrideGranted,
    /// <summary>Support removed an override early.</summary>
    OverrideRemoved,
    /// <summary>An override reached its expiry.</summary>
    OverrideExpired,
    /// <summary>A lifecycle email was not sent: no address, no template, or the email provider refused it for good.</summary>
    EmailNotSent,
    /// <summary>The customer's email address changed (the address itself is never written here).</summary>
    EmailAddressChanged,
    /// <summary>The plan, price or period changed without a transition (seen at the provider while past due, canceling or paused).</summary>
    SubscriptionUpdated,
    /// <summary>Support or finance issued a refund through the service: who, why, how much (Stripe's refund events for it are not recorded again).</summary>
    RefundIssued,
    /// <summary>A second subscription appeared at the provider (two checkouts paid in a race): it was canceled at once and what it charged refunded.</summary>
    DuplicateSubscriptionCanceled,
    /// <summary>The payment for a plan change charged at once was declined: the plan stays as it was.</summary>
    PlanChangePaymentFailed,
    /// <summary>A plan change was scheduled for the period end (a downgrade that waits).</summary>
    PlanChangeScheduled,
    /// <summary>A scheduled plan change was withdrawn before it applied.</summary>
    PlanChangeUnscheduled,
    /// <summary>The customer's bank disputed a charge (a chargeback): amount, reason, evidence due.</summary>
    DisputeOpened,
    /// <summary>A dispute ended, won or lost.</summary>
    DisputeClosed,

    /// <summary>Support asked the provider to charge the open invoice now, outside the dunning policy's own retries; the invoice's events tell the outcome too.</summary>
    PaymentRetried,

    /// <summary>A meter's usage in the current period reached one of the product's usage alerts (a share of its limit); once per period each.</summary>
    UsageThresholdReached,
}
