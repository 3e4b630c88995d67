using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansBilling.Silo;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Hosting;

/// <summary>How the silo lets activations go: by idle age, and under memory pressure (issue 16, memory).</summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class GrainCollectionTests
{
    [Fact]
    public async Task A_silo_sheds_activations_under_memory_pressure_and_keeps_Orleans_idle_age_by_default()
    {
        var options = await OptionsOf();

        Assert.True(options.EnableActivationSheddingOnMemoryPressure);
        Assert.Equal((80, 75), (options.MemoryUsageLimitPercentage, options.MemoryUsageTargetPercentage));
        Assert.Equal(TimeSpan.FromMinutes(15), options.CollectionAge);
    }

    [Fact]
    public async Task Configuration_sets_the_idle_age_and_the_shedding()
    {
        var options = await OptionsOf(
            "--Orleans:GrainCollection:CollectionAge=00:05:00",
            "--Orleans:GrainCollection:EnableActivationSheddingOnMemoryPressure=false",
            "--Orleans:GrainCollection:MemoryUsageLimitPercentage=90");

        Assert.False(options.EnableActivationSheddingOnMemoryPressure);
        Assert.Equal(90, options.MemoryUsageLimitPercentage);
        Assert.Equal(TimeSpan.FromMinutes(5), options.CollectionAge);
    }

    private static async Task<GrainCollectionOptions> OptionsOf(params string[] args)
    {
        await using var app = BillingHost.Build(["--urls=http://127.0.0.1:0", .. args], _ => { });
        return app.Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;
    }
}
