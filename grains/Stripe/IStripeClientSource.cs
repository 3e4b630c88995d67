using Stripe;

namespace OrleansBilling.Grains.Stripe;

/// <summary>
/// The Stripe.net client, created on first use: locally its base URL is this very process's
/// sandbox, which is only known once the server listens.
/// </summary>
public interface IStripeClientSource
{
    StripeClient Client { get; }
}
