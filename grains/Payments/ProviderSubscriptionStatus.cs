namespace OrleansBilling.Grains.Payments;

/// <summary>A subscription's status at the payment provider, in this service's words (Stripe's statuses).</summary>
public enum ProviderSubscriptionStatus
{
    Incomplete,
    IncompleteExpired,
    Trialing,
    Active,
    PastDue,
    Unpaid,
    Paused,
    Canceled,
}
