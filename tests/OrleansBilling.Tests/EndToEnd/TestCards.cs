namespace OrleansBilling.Tests.EndToEnd;

/// <summary>Stripe's test card numbers, the only cards the sandbox's hosted pages accept.</summary>
internal static class TestCards
{
    public const string Succeeds = "4242424242424242";

    /// <summary>Pays the checkout, then declines every later charge: renewals fail.</summary>
    public const string DeclinesAfterCheckout = "4000000000000341";

    public const string InsufficientFunds = "4000000000009995";

    public const string Declined = "4000000000000002";
}
