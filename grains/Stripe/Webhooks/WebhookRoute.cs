using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Grains.Stripe.Webhooks;

/// <summary>Where a Stripe event goes: to a subscription as this service's own event, or nowhere (and why).</summary>
public abstract record WebhookRoute
{
    /// <summary>Apply <paramref name="Event"/> to the subscription found by key, or else by the provider customer.</summary>
    public sealed record Apply(string? SubscriptionKey, string? ProviderCustomerId, ProviderEvent Event) : WebhookRoute
    {
        /// <summary>For an event that names only a charge (a dispute): the subscription is found through the charge's customer.</summary>
        public string? ProviderChargeId { get; init; }
    }

    /// <summary>A type this service does not act on: stored, answered 2xx, nothing else.</summary>
    public sealed record Ignore(string Reason) : WebhookRoute;
}
