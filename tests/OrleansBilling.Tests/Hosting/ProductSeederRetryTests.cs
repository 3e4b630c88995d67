using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansBilling.Silo.Products;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Hosting;

/// <summary>
/// A silo restarted at the address of a predecessor killed with <c>kill -9</c> meets rejected messages
/// until the cluster has declared that predecessor dead (seen in the full-outage test: the silo ended at
/// start with an unhandled <see cref="OrleansMessageRejectionException"/>). Seeding the products waits
/// that out instead of ending the process, and still ends at once on a real defect.
/// </summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class ProductSeederRetryTests
{
    [Fact]
    public async Task Seeding_is_tried_again_while_the_cluster_rejects_messages()
    {
        var clock = new FakeTimeProvider();
        var pipeline = ProductSeeder.WhileClusterSettles(clock, NullLogger.Instance);
        var attempts = 0;

        var run = pipeline.ExecuteAsync(_ =>
        {
            attempts++;
            return attempts <= 3
                ? throw new SiloUnavailableException("The target silo is no longer active.")
                : ValueTask.CompletedTask;
        }, TestContext.Current.CancellationToken).AsTask();
        await AdvanceUntilDone(clock, run);

        await run;
        Assert.Equal(4, attempts);
    }

    [Fact]
    public async Task A_refusal_that_is_not_an_outage_ends_seeding_at_once()
    {
        var pipeline = ProductSeeder.WhileClusterSettles(new FakeTimeProvider(), NullLogger.Instance);
        var attempts = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await pipeline.ExecuteAsync(_ =>
        {
            attempts++;
            throw new InvalidOperationException("Product 'demo' was refused.");
        }, TestContext.Current.CancellationToken));
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task An_outage_that_outlasts_the_retries_still_ends_the_start()
    {
        var clock = new FakeTimeProvider();
        var pipeline = ProductSeeder.WhileClusterSettles(clock, NullLogger.Instance);
        var attempts = 0;

        var run = pipeline.ExecuteAsync(_ =>
        {
            attempts++;
            throw new SiloUnavailableException("The silo is shutting down.");
        }, TestContext.Current.CancellationToken).AsTask();
        await AdvanceUntilDone(clock, run);

        await Assert.ThrowsAsync<SiloUnavailableException>(() => run);
        Assert.Equal(31, attempts);
    }

    /// <summary>Moves the fake clock past each pause the retries take, until the run has ended.</summary>
    private static async Task AdvanceUntilDone(FakeTimeProvider clock, Task run)
    {
        for (var step = 0; step < 1000 && !run.IsCompleted; step++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
        }

        Assert.True(run.IsCompleted, "The retries did not end within 1000 simulated seconds.");
    }
}
