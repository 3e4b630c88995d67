using OrleansBilling.GrainInterfaces.Usage;

namespace OrleansBilling.Grains.Usage;

/// <summary>The persisted state of a usage grain: only the billing period (the events are in the journal).</summary>
[GenerateSerializer, Alias("billing.UsageGrainState")]
public sealed class UsageGrainState
{
    [Id(0)] public BillingPeriod? Period { get; set; }
}
