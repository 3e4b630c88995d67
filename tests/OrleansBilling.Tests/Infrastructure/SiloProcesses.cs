using Xunit;
using Xunit.Sdk;
using Xunit.v3;

// Three collections at a time: the silo-process collection below on one, the rest of the suite on two. Two alone
// left the machine idle for a third of the run (its tests wait on real time and on other processes).
[assembly: Parallelization(MaxThreads = 3)]
[assembly: TestCollectionOrderer(typeof(OrleansBilling.Tests.Infrastructure.SiloProcessesFirst))]

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

/// <summary>
/// The silo-process collection first, then xunit's own order: it is the longest collection by far (about seven minutes,
/// one test after another), and started last it ran alone at the end of the suite.
/// </summary>
public sealed class SiloProcessesFirst : ITestCollectionOrderer
{
    public IReadOnlyCollection<TTestCollection> OrderTestCollections<TTestCollection>(IReadOnlyCollection<TTestCollection> testCollections)
        where TTestCollection : notnull, ITestCollection =>
        [.. DefaultTestCollectionOrderer.Instance.OrderTestCollections(testCollections).OrderBy(c => c.TestCollectionDisplayName == SiloProcesses.Name ? 0 : 1)];
}
