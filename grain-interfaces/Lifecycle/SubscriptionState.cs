namespace OrleansBilling.GrainInterfaces.Lifecycle;

/// <summary>The one named state every subscription is in. See the lifecycle table in DESIGN.md §2.</summary>
public enum SubscriptionState
{
    /// <summary>A known customer without a subscription.</summary>
    None,
    /// <summary>Checkout started, not completed.</summary>
    Incomplete,
    /// <summary>In a free trial.</summary>
    Trialing,
    /// <summary>Paid and current.</summary>
    Active,
    /// <summary>A payment failed; dunning runs; still within grace.</summary>
    PastDue,
    /// <summary>Dunning revoked access; paying restores it.</summary>
    Suspended,
    /// <summary>Collection paused.</summary>
    Paused,
    /// <summary>Ends at the period end; can be undone.</summary>
    Canceling,
    /// <summary>Ended; can be won back.</summary>
    Canceled,
}
