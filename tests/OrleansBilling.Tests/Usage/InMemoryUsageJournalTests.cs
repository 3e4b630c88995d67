using OrleansBilling.Grains.Usage;
using OrleansBilling.Silo.Usage;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Usage;

/// <summary>The usage journal contract on the in-memory local default.</summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class InMemoryUsageJournalTests : UsageJournalContract
{
    private readonly InMemoryUsageJournal journal = new();

    protected override IUsageJournal Journal => journal;
}
