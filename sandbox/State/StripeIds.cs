using System.Security.Cryptography;

namespace OrleansBilling.Sandbox.State;

/// <summary>Makes ids with Stripe's prefixes so that code which sniffs a prefix behaves as against Stripe.</summary>
internal static class StripeIds
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string New(string prefix, int length = 24) =>
        prefix + "_" + Code(length);

    /// <summary>An id without a prefix, as Stripe makes for a coupon when the merchant names none.</summary>
    public static string Code(int length) => RandomNumberGenerator.GetString(Alphabet, length);
}
