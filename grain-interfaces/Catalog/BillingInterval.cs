namespace OrleansBilling.GrainInterfaces.Catalog;

/// <summary>How often a plan bills.</summary>
public enum BillingInterval
{
    Day,
    Week,
    Month,
    Year,
}
