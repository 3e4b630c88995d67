using OrleansBilling.Grains.Payments;

namespace OrleansBilling.Grains.Stripe;

/// <summary>Stripe's subscription statuses in this service's words.</summary>
public static class StripeStatus
{
    public static ProviderSubscriptionStatus Parse(string status) => status switch
    {
        "incomplete" => ProviderSubscriptionStatus.Incomplete,
        "incomplete_expired" => ProviderSubscriptionStatus.IncompleteExpired,
        "trialing" => ProviderSubscriptionStatus.Trialing,
        "active" => ProviderSubscriptionStatus.Active,
        "past_due" => ProviderSubscriptionStatus.PastDue,
        "unpaid" => ProviderSubscriptionStatus.Unpaid,
        "paused" => ProviderSubscriptionStatus.Paused,
        "canceled" => ProviderSubscriptionStatus.Canceled,
        _ => throw new PaymentProviderException($"Stripe answered an unknown subscription status '{status}'.", transient: false),
    };
}
