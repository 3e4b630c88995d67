namespace OrleansBilling.GrainInterfaces.Events;

/// <summary>The events a product can receive about its customers, by their names on the wire.</summary>
public static class ProductEventTypes
{
    public const string SubscriptionCreated = "subscription.created";
    public const string SubscriptionUpdated = "subscription.updated";
    public const string SubscriptionCanceled = "subscription.canceled";
    public const string EntitlementsUpdated = "entitlements.updated";
    public const string UsageThresholdReached = "usage.threshold_reached";
    public const string DunningStepTaken = "dunning.step_taken";
    public const string InvoicePaid = "invoice.paid";
    public const string InvoicePaymentFailed = "invoice.payment_failed";
    public const string RefundCreated = "refund.created";

    /// <summary>Every type, in the order the documentation lists them.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        SubscriptionCreated, SubscriptionUpdated, SubscriptionCanceled, EntitlementsUpdated, UsageThresholdReached,
        DunningStepTaken, InvoicePaid, InvoicePaymentFailed, RefundCreated,
    ];

    /// <summary>True for a type this service sends.</summary>
    public static bool IsKnown(string? type) => type is not null && All.Contains(type, StringComparer.Ordinal);
}
