using System.Security.Cryptography;

namespace OrleansBilling.Sandbox.State;

/// <summary>Makes ids with Stripe's prefixes so that code which sniffs a prefix behaves as against Stripe.</summary>
internal static class StripeIds
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string New(string prefix, int length = 24) =>
        prefix + "_" + RandomNumberGenerator.GetString(Alphabet, length);
}
