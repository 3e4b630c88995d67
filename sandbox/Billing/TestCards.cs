using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Billing;

/// <summary>Stripe's test card numbers and what each does, the only cards test mode accepts.</summary>
internal static class TestCards
{
    public const string Succeeds = "4242424242424242";
    public const string AcceptedThenDeclines = "4000000000000341";
    public const string InsufficientFunds = "4000000000009995";
    public const string Declined = "4000000000000002";

    private static readonly CardDecline Generic = new("card_declined", "generic_decline", "Your card was declined.");
    private static readonly CardDecline NoFunds = new("card_declined", "insufficient_funds", "Your card has insufficient funds.");
    private static readonly CardDecline Unknown = new("incorrect_number", null, "Your card number is incorrect. Use one of Stripe's test cards.");

    public static string Normalize(string number) => new([.. number.Where(char.IsAsciiDigit)]);

    /// <summary>Why saving this card (at checkout or as a replacement) fails, or null.</summary>
    public static CardDecline? RefusalOnSave(string number) => number switch
    {
        Succeeds or AcceptedThenDeclines => null,
        InsufficientFunds => NoFunds,
        Declined => Generic,
        _ => Unknown,
    };

    /// <summary>
    /// Why charging this card fails, or null. The 0341 card pays the checkout's first invoice and
    /// declines every later charge, so renewals fail after a successful sign-up.
    /// </summary>
    public static CardDecline? RefusalOnCharge(string number, bool atCheckout) => number switch
    {
        Succeeds => null,
        AcceptedThenDeclines => atCheckout ? null : Generic,
        InsufficientFunds => NoFunds,
        Declined => Generic,
        _ => Unknown,
    };
}
