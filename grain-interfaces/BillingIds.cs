using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace OrleansBilling.GrainInterfaces;

/// <summary>
/// Product and customer ids, and the grain keys built from them. Ids are 1–64 characters of
/// <c>[A-Za-z0-9_.-]</c>, not dots alone. Every key contains a <c>/</c>, so no key ever parses as a hexadecimal
/// integer key and none contains the <c>+</c> that Orleans splits keys on (ORLEANS.md, key traps).
/// </summary>
public static partial class BillingIds
{
    /// <summary>The rule for ids, in words, for error messages.</summary>
    public const string Rule = "1-64 characters of A-Z a-z 0-9 _ . - (not dots alone)";

    /// <summary>True when <paramref name="id"/> is a well-formed product or customer id.</summary>
    public static bool IsValid([NotNullWhen(true)] string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>The key of the subscription grain of one customer of one product.</summary>
    public static string SubscriptionKey(string productId, string customerId)
    {
        Require(productId, nameof(productId));
        Require(customerId, nameof(customerId));
        return $"{productId}/{customerId}";
    }

    /// <summary>Splits a subscription key back into its product and customer ids.</summary>
    public static (string ProductId, string CustomerId) ParseSubscriptionKey(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || !IsValid(key[..slash]) || !IsValid(key[(slash + 1)..]))
        {
            throw new ArgumentException($"'{key}' is not a subscription key of the form product/customer.", nameof(key));
        }

        return (key[..slash], key[(slash + 1)..]);
    }

    /// <summary>The key of a product's grain. The prefix keeps ids such as <c>cafe</c> from reading as hex.</summary>
    public static string ProductKey(string productId)
    {
        Require(productId, nameof(productId));
        return $"product/{productId}";
    }

    private static void Require(string id, string name)
    {
        if (!IsValid(id))
        {
            throw new ArgumentException($"'{id}' is not a valid id: {Rule}", name);
        }
    }

    // Not dots alone: "." and ".." would be normalised out of a URL path and never be reachable.
    // Anchored with \z: "$" would also match before a final line feed, and "c1\n" is not "c1".
    [GeneratedRegex(@"^(?!\.+\z)[A-Za-z0-9_.-]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
