using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Grains.Payments;

/// <summary>
/// The payment provider as the grains need it (Stripe in production, the sandbox locally). Every
/// call carries an idempotency key derived from domain ids, so repeating a call is harmless.
/// Failures throw <see cref="PaymentProviderException"/>.
/// </summary>
public interface IPaymentProvider
{
    /// <summary>Opens a hosted checkout for a subscription to a plan.</summary>
    Task<CheckoutSession> CreateCheckoutSessionAsync(CheckoutSessionRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Ends an open checkout session so it can no longer be paid; answers the session's status after
    /// (<c>expired</c>, or <c>complete</c> when the customer paid it first).
    /// </summary>
    Task<string> ExpireCheckoutSessionAsync(string sessionId, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>
    /// Cancels now, or at the period end when <paramref name="atPeriodEnd"/> (whose final invoice bills the last
    /// period's metered usage). Canceling now bills the metered usage so far only when <paramref name="invoiceUsage"/>;
    /// else the provider discards it.
    /// </summary>
    Task CancelSubscriptionAsync(string providerSubscriptionId, bool atPeriodEnd, bool invoiceUsage, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Withdraws a cancel scheduled for the period end.</summary>
    Task UndoScheduledCancelAsync(string providerSubscriptionId, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Pauses collection: the subscription runs on, its invoices are handled as <paramref name="pause"/> says.</summary>
    Task PauseCollectionAsync(string providerSubscriptionId, PauseRequest pause, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Resumes collection of a paused subscription (a paused collection, or a subscription the provider paused).</summary>
    Task ResumeCollectionAsync(string providerSubscriptionId, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>
    /// Moves the subscription to another price, charged as <paramref name="proration"/> says. False when the
    /// change waits for a payment that failed (invoiced at once and declined): the price stays as it was.
    /// </summary>
    /// <remarks>
    /// <paramref name="meteredPriceIds"/> are the metered prices the subscription carries afterwards (others are
    /// taken off, missing ones added); null leaves its metered prices as they are.
    /// </remarks>
    /// <remarks>
    /// The plan's price changes first, with the asked proration (and, invoiced at once, only if paid); the metered
    /// prices follow in a second update that bills the usage of those taken off, and only if the price changed.
    /// </remarks>
    Task<bool> ChangePriceAsync(string providerSubscriptionId, string providerPriceId, IReadOnlyList<string>? meteredPriceIds, ProrationMode proration, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>
    /// Puts the subscription's metered prices in line with its plan, billing the usage of those taken off, if the
    /// plan's price there is still <paramref name="providerPriceId"/>; false (nothing done) when the plan changed since.
    /// </summary>
    Task<bool> ChangeMeteredPricesAsync(string providerSubscriptionId, string providerPriceId, IReadOnlyList<string> meteredPriceIds, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>
    /// The provider's preview of the next invoice if the subscription moved to <paramref name="providerPriceId"/> now,
    /// prorated: the prorated difference and the next period's amount, apart.
    /// </summary>
    Task<(long ProrationMinor, long NextPeriodMinor, string Currency)> PreviewPriceChangeAsync(string providerSubscriptionId, string providerPriceId, CancellationToken cancellationToken);

    /// <summary>The subscription as the provider holds it now.</summary>
    Task<ProviderSubscription> GetSubscriptionAsync(string providerSubscriptionId, CancellationToken cancellationToken);

    /// <summary>The invoice as the provider holds it now.</summary>
    Task<ProviderInvoice> GetInvoiceAsync(string providerInvoiceId, CancellationToken cancellationToken);

    /// <summary>The customer's most recent invoices, newest first.</summary>
    Task<IReadOnlyList<ProviderInvoice>> ListInvoicesAsync(string providerCustomerId, int limit, CancellationToken cancellationToken);

    /// <summary>Charges an open invoice now (dunning's retry, support's "pay now").</summary>
    Task<ProviderInvoice> PayInvoiceAsync(string providerInvoiceId, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>The payment an invoice was paid with, or a charge, as it is now; a non-transient failure when there is none.</summary>
    Task<RefundablePayment> GetRefundableAsync(string? invoiceId, string? chargeId, CancellationToken cancellationToken);

    /// <summary>
    /// Refunds a charge, wholly or <paramref name="amountMinor"/> of it. The refund carries the
    /// subscription's product and customer, so its webhook events find their way back.
    /// </summary>
    Task<ProviderRefund> RefundAsync(string subscriptionKey, string chargeId, long? amountMinor, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Opens the provider's self-service billing portal for the customer.</summary>
    Task<string> CreatePortalSessionAsync(string providerCustomerId, string returnUrl, string? configurationId, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Creates a billing-portal configuration offering what <paramref name="request"/> says; answers its id.</summary>
    Task<string> CreatePortalConfigurationAsync(PortalConfigurationRequest request, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>
    /// Reports usage events to the provider's billing meters, at most 100 per call. The call succeeds
    /// or fails as a whole; sending an identifier again is harmless (the provider counts it once).
    /// </summary>
    Task SendMeterEventsAsync(IReadOnlyList<MeterEvent> events, CancellationToken cancellationToken);
}
