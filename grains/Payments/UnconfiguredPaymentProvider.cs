using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Grains.Payments;

/// <summary>
/// The provider of a deployment that has none configured: every call is refused as unavailable,
/// so a product gets a clear 503 instead of a pretended checkout.
/// </summary>
public sealed class UnconfiguredPaymentProvider : IPaymentProvider
{
    private const string Message = "No payment provider is configured for this deployment (set Stripe:ApiKey).";

    public Task<CheckoutSession> CreateCheckoutSessionAsync(CheckoutSessionRequest request, CancellationToken cancellationToken) => Refuse<CheckoutSession>();

    public Task CancelSubscriptionAsync(string providerSubscriptionId, bool atPeriodEnd, string idempotencyKey, CancellationToken cancellationToken) => Refuse<object>();

    public Task UndoScheduledCancelAsync(string providerSubscriptionId, string idempotencyKey, CancellationToken cancellationToken) => Refuse<object>();

    public Task ResumeSubscriptionAsync(string providerSubscriptionId, string idempotencyKey, CancellationToken cancellationToken) => Refuse<object>();

    public Task ChangePriceAsync(string providerSubscriptionId, string providerPriceId, ProrationMode proration, string idempotencyKey, CancellationToken cancellationToken) => Refuse<object>();

    private static Task<T> Refuse<T>() => Task.FromException<T>(new PaymentProviderException(Message, transient: true));
}
