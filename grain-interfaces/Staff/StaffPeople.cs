namespace OrleansBilling.GrainInterfaces.Staff;

/// <summary>How a member of staff is named, and how a staff token is made and known.</summary>
public static class StaffPeople
{
    /// <summary>What a person's name may be, said in problems.</summary>
    public const string NameRule = "1-64 lower-case letters, digits, '.', '_' or '-' (a name, not an email address; 'bootstrap' is the bootstrap key's)";

    /// <summary>The person the bootstrap admin key (<c>Billing:AdminKey</c>) stands for.</summary>
    public const string Bootstrap = "bootstrap";

    /// <summary>Whether <paramref name="person"/> is a well-formed staff name: it is shown in every record the person makes.</summary>
    public static bool IsValidName(string? person) =>
        person is { Length: >= 1 and <= 64 } and not Bootstrap && person.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '_' or '-');

    /// <summary>The actor a person's actions are recorded under.</summary>
    public static string Actor(string person) => $"admin:{person}";

    /// <summary>A new random staff token, recognisable by its prefix.</summary>
    public static string NewToken() => Products.ApiKeys.Secret("bst_", 32);
}
