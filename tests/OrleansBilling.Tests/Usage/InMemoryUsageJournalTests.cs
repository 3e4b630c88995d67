using OrleansBilling.Grains.Usage;
using OrleansBilling.Silo.Usage;

namespace OrleansBilling.Tests.Usage;

/// <summary>The usage journal contract on the in-memory local default.</summary>
public sealed class InMemoryUsageJournalTests : UsageJournalContract
{
    private readonly InMemoryUsageJournal journal = new();

    protected override IUsageJournal Journal => journal;
}
