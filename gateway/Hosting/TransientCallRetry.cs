using System.Reflection;
using Orleans.Concurrency;
using OrleansBilling.GrainInterfaces;

namespace OrleansBilling.Gateway.Hosting;

/// <summary>
/// On a standalone gateway, a grain call that failed because its silo was going or gone is sent again, a
/// few times within about two seconds, to the grain's new activation, before the request becomes a 503:
/// <list type="bullet">
/// <item>any call the silo refused before running it (<see cref="OrleansMessageRejectionException"/>: the
/// activation was deactivating, the silo stopping);</item>
/// <item>a call whose silo was declared dead while it waited (<see cref="SiloUnavailableException"/>), which
/// may have run there, only when running it twice changes nothing more than once: reads (<see cref="ReadOnlyAttribute"/>)
/// and <see cref="RepeatableAttribute"/> methods (the webhook inbox, usage by idempotency key). Commands are
/// answered 503 and repeated by their caller with their idempotency key.</item>
/// </list>
/// </summary>
public sealed partial class TransientCallRetry(ILogger<TransientCallRetry> logger) : IOutgoingGrainCallFilter
{
    private static readonly TimeSpan[] Pauses = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(1500)];

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                // Orleans allows a filter to invoke the call again: the invoker steps back after each try.
                await context.Invoke();
                return;
            }
            catch (OrleansMessageRejectionException ex) when (attempt < Pauses.Length && SafeToSendAgain(ex, context.InterfaceMethod))
            {
                LogRetry(context.InterfaceName, context.MethodName, ex.GetType().Name, attempt + 1);
            }

            await Task.Delay(Pauses[attempt]);
        }
    }

    /// <summary>Whether a call that failed this way may be sent again.</summary>
    public static bool SafeToSendAgain(OrleansMessageRejectionException failure, MethodInfo? method) =>
        failure is not SiloUnavailableException
        || method?.GetCustomAttribute<ReadOnlyAttribute>() is not null
        || method?.GetCustomAttribute<RepeatableAttribute>() is not null;

    [LoggerMessage(Level = LogLevel.Information, Message = "{Interface}.{Method} failed with {Exception} (its silo is going or gone): sending it again, retry {Attempt}")]
    private partial void LogRetry(string @interface, string method, string exception, int attempt);
}
