namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>
/// What a payment-provider event says happened, in this service's words. The webhook edge turns
/// Stripe's event types and object statuses into these; Stripe's types never travel further.
/// </summary>
public enum ProviderEventKind
{
    CheckoutExpired,
    SubscriptionTrialStarted,
    SubscriptionActivated,
    InvoicePaid,
    InvoicePaymentFailed,
    CancelScheduled,
    CancelUndone,
    SubscriptionCanceled,
    SubscriptionPaused,
    SubscriptionResumed,

    /// <summary>The provider's subscription changed: fetch it and follow it through the lifecycle table.</summary>
    SubscriptionChanged,

    /// <summary>Something for the history that changes no state (<see cref="ProviderEvent.Fact"/>).</summary>
    Fact,

    /// <summary>The provider's customer changed; only its email address (<see cref="ProviderEvent.Email"/>) matters here.</summary>
    CustomerUpdated,
}
