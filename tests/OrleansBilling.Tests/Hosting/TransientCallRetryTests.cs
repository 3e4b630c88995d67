using OrleansBilling.Gateway.Hosting;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.GrainInterfaces.Usage;
using OrleansBilling.GrainInterfaces.Webhooks;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Hosting;

/// <summary>
/// What the standalone gateway sends again when a silo goes: anything the silo refused before running it;
/// after a silo died with the call perhaps run, only reads and calls that are the same run twice.
/// </summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class TransientCallRetryTests
{
    [Theory]
    [InlineData(typeof(ISubscriptionGrain), nameof(ISubscriptionGrain.GetEntitlements), true)]
    [InlineData(typeof(IStripeEventGrain), nameof(IStripeEventGrain.Receive), true)]
    [InlineData(typeof(IUsageGrain), nameof(IUsageGrain.RecordUsage), true)]
    [InlineData(typeof(ISubscriptionGrain), nameof(ISubscriptionGrain.StartCheckout), false)]
    [InlineData(typeof(IStripeEventGrain), nameof(IStripeEventGrain.Rerun), false)]
    public void After_a_silo_died_only_what_is_the_same_run_twice_is_sent_again(Type grain, string method, bool again)
    {
        var invoked = grain.GetMethod(method)!;

        Assert.Equal(again, TransientCallRetry.SafeToSendAgain(new SiloUnavailableException("the silo died"), invoked));
        Assert.True(TransientCallRetry.SafeToSendAgain(Rejection("refused before it ran"), invoked));
    }

    /// <summary>A rejection as the runtime raises it (its constructor is not public).</summary>
    private static OrleansMessageRejectionException Rejection(string message) =>
        (OrleansMessageRejectionException)Activator.CreateInstance(
            typeof(OrleansMessageRejectionException), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance, null, [message], null)!;
}
