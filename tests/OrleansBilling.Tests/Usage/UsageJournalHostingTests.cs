using Microsoft.Extensions.DependencyInjection;
using OrleansBilling.Grains.Usage;
using OrleansBilling.Silo.Usage;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Usage;

/// <summary>Which usage journal the silo uses when it has no database (on PostgreSQL: ServiceOnPostgresTests).</summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class UsageJournalHostingTests(BillingService service) : IClassFixture<BillingService>
{
    [Fact]
    public void The_local_default_keeps_usage_in_memory() =>
        Assert.IsType<InMemoryUsageJournal>(service.Services.GetRequiredService<IUsageJournal>());
}
