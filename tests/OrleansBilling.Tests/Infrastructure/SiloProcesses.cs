using Xunit;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// The tests that start several silo processes (and gateways, load, a killed or stopped silo): one at a time, since two of
/// them side by side on this machine's two cores starve each other's timing bounds (a CI run saw the rolling restart's and
/// the pods' telemetry bounds missed while both ran with the events failover).
/// </summary>
[CollectionDefinition(Name)]
public sealed class SiloProcesses
{
    public const string Name = "silo processes";
}
