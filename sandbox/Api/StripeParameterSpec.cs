namespace OrleansBilling.Sandbox.Api;

/// <summary>
/// The parameters one call of Stripe's API takes, as bracket paths: <c>#</c> stands for a list index
/// (<c>line_items[#][price]</c>, <c>expand[#]</c>, also <c>expand[]</c>), <c>*</c> for any key of a hash
/// (<c>metadata[*]</c>). Any other parameter is refused before the call runs, as Stripe refuses it
/// (400 <c>parameter_unknown</c>), so a misspelled parameter in the service's own calls fails its tests.
/// A hash or list sent as an empty string (Stripe's way of clearing it) is accepted where its fields are.
/// </summary>
internal sealed class StripeParameterSpec
{
    private readonly string[][]? patterns;

    private StripeParameterSpec(IEnumerable<string>? patterns) =>
        this.patterns = patterns is null ? null : [.. patterns.Append("expand[#]").Distinct(StringComparer.Ordinal).Select(p => StripeParameters.Segments(p).ToArray())];

    /// <summary>No check: for the answer to a URL Stripe does not have, which is a 404 whatever it was sent.</summary>
    public static StripeParameterSpec Any { get; } = new(null);

    /// <summary>A call that takes these parameters (and <c>expand</c>, which every call takes).</summary>
    public static StripeParameterSpec Of(params string[] patterns) => new(patterns);

    /// <summary>A list call: these filters, and Stripe's paging parameters.</summary>
    public static StripeParameterSpec List(params string[] filters) => new([.. filters, "limit", "starting_after", "ending_before"]);

    /// <summary>Refuses the first parameter the call does not take.</summary>
    public void Check(StripeParameters parameters)
    {
        if (patterns is null)
        {
            return;
        }

        foreach (var (key, value) in parameters.Flat)
        {
            var segments = StripeParameters.Segments(key);
            if (!patterns.Any(p => Matches(p, segments, clearing: value.Length == 0)))
            {
                throw StripeApiException.Request($"Received unknown parameter: {key}", "parameter_unknown", key);
            }
        }
    }

    private static bool Matches(string[] pattern, List<string> segments, bool clearing)
    {
        if (segments.Count > pattern.Length || (segments.Count < pattern.Length && !clearing))
        {
            return false;
        }

        for (var i = 0; i < segments.Count; i++)
        {
            var matches = pattern[i] switch
            {
                "#" => segments[i].Length == 0 || segments[i].All(char.IsAsciiDigit),
                "*" => segments[i].Length > 0,
                var name => name == segments[i],
            };
            if (!matches)
            {
                return false;
            }
        }

        return true;
    }
}
