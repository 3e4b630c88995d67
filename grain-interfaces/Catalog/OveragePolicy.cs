namespace OrleansBilling.GrainInterfaces.Catalog;

/// <summary>What happens to usage that would take a meter above its plan limit.</summary>
public enum OveragePolicy
{
    /// <summary>It is recorded, shown as over the limit and billed through the meter's price (the default: a soft limit).</summary>
    Bill,
    /// <summary>It is refused and not recorded (a hard limit); the product hears why and can stop the customer.</summary>
    Refuse,
}
