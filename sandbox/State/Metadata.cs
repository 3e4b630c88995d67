namespace OrleansBilling.Sandbox.State;

/// <summary>Stripe's metadata update rules: an empty hash clears every key, an empty value removes one key.</summary>
internal static class Metadata
{
    /// <summary>Metadata of a new object: the given keys with a value.</summary>
    public static Dictionary<string, string> Create(Dictionary<string, string>? given) =>
        given is null ? [] : given.Where(p => p.Value.Length > 0).ToDictionary(p => p.Key, p => p.Value);

    public static Dictionary<string, string> Merge(IReadOnlyDictionary<string, string> current, IReadOnlyDictionary<string, string> update)
    {
        if (update.Count == 0)
        {
            return [];
        }

        var merged = new Dictionary<string, string>(current);
        foreach (var (key, value) in update)
        {
            if (value.Length == 0)
            {
                merged.Remove(key);
            }
            else
            {
                merged[key] = value;
            }
        }

        return merged;
    }
}
