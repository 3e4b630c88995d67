using OrleansBilling.GrainInterfaces.Subscriptions;
using Stripe;

namespace OrleansBilling.Grains.Stripe.Webhooks;

/// <summary><c>customer.subscription.trial_will_end</c>: a fact for the history (and, later, the trial email).</summary>
public sealed class TrialWillEndHandler : IStripeEventHandler
{
    public IReadOnlyList<string> Types { get; } = [EventTypes.CustomerSubscriptionTrialWillEnd];

    public WebhookRoute Route(Event stripeEvent)
    {
        var subscription = (Subscription)stripeEvent.Data.Object;
        return new WebhookRoute.Apply(
            StripeMetadata.SubscriptionKey(subscription.Metadata),
            subscription.CustomerId,
            new ProviderEvent(
                stripeEvent.Id, ProviderEventKind.Fact, stripeEvent.Created, ProviderSubscriptionId: subscription.Id,
                Fact: HistoryFact.TrialWillEnd, Detail: $"trial_end={subscription.TrialEnd:O}", ChangeId: $"{subscription.Id}/trial-will-end/{subscription.TrialEnd:O}"));
    }
}
