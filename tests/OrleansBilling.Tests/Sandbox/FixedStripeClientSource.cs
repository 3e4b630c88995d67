using OrleansBilling.Grains.Stripe;
using Stripe;

namespace OrleansBilling.Tests.Sandbox;

/// <summary>The service's Stripe client port on a client the test made.</summary>
internal sealed class FixedStripeClientSource(StripeClient client) : IStripeClientSource
{
    public StripeClient Client => client;
}
