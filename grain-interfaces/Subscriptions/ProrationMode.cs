namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>How a plan change is charged, as Stripe's <c>proration_behavior</c>.</summary>
public enum ProrationMode
{
    /// <summary>Prorate and add the difference to the next invoice (Stripe's default).</summary>
    CreateProrations,
    /// <summary>Prorate and invoice the difference at once.</summary>
    AlwaysInvoice,
    /// <summary>No proration: the new price starts with the next period.</summary>
    None,
}
