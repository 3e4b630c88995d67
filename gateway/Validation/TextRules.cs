using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansBilling.Gateway.Validation;

/// <summary>
/// What free text from a caller may be before it goes anywhere (a grain, Stripe, an email): no
/// control characters, no invisible formatting characters (a right-to-left override can make an
/// address read as another), and, for addresses and URLs, the shape the receiving system expects.
/// </summary>
public static partial class TextRules
{
    /// <summary>The longest URL accepted (Stripe's own limit for return URLs is about this).</summary>
    public const int MaxUrlLength = 2048;

    /// <summary>True when <paramref name="text"/> holds a control or formatting character (Unicode categories Cc, Cf, Cs).</summary>
    public static bool HasHiddenCharacters(string text) =>
        text.Any(c => char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate);

    /// <summary>
    /// An email address as mail systems and Stripe accept it: an ASCII local part, a domain of letters,
    /// digits and hyphens with a top-level domain, at most 254 characters. International addresses go
    /// in their ASCII (punycode) form.
    /// </summary>
    public static bool IsEmail(string? email) => email is { Length: > 0 and <= 254 } && EmailPattern().IsMatch(email);

    /// <summary>An absolute http or https URL with a host, of printable characters only.</summary>
    public static bool IsWebUrl(string? url) =>
        url is { Length: > 0 and <= MaxUrlLength }
        && !HasHiddenCharacters(url)
        && !url.Any(char.IsWhiteSpace)
        && Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.Host.Length > 0;

    /// <summary>Printable text of 1 to <paramref name="maxLength"/> characters, not only spaces.</summary>
    public static bool IsPrintable(string? text, int maxLength) =>
        !string.IsNullOrWhiteSpace(text) && text.Length <= maxLength && !HasHiddenCharacters(text);

    [GeneratedRegex(@"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();
}
