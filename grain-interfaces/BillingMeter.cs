namespace OrleansBilling.GrainInterfaces;

/// <summary>The meter every business metric of this service is on, whichever process counts it (silo or gateway).</summary>
public static class BillingMeter
{
    public const string Name = "OrleansBilling";
}
