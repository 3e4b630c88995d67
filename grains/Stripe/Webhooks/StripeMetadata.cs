using OrleansBilling.GrainInterfaces;

namespace OrleansBilling.Grains.Stripe.Webhooks;

/// <summary>Every Stripe object this service creates carries <c>metadata.product</c> and <c>metadata.customer</c>.</summary>
public static class StripeMetadata
{
    /// <summary>The subscription key the metadata names, or null when it names none (or a malformed one).</summary>
    public static string? SubscriptionKey(IDictionary<string, string>? metadata) =>
        metadata is not null
        && metadata.TryGetValue("product", out var product) && BillingIds.IsValid(product)
        && metadata.TryGetValue("customer", out var customer) && BillingIds.IsValid(customer)
            ? BillingIds.SubscriptionKey(product, customer)
            : null;
}
