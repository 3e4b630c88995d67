namespace OrleansBilling.Grains;

/// <summary>The grain storage every billing grain persists to: in memory locally, PostgreSQL in production.</summary>
public static class BillingStorage
{
    public const string Name = "billing";
}
