using System.Runtime.ExceptionServices;

namespace OrleansBilling.Gateway.Hosting;

/// <summary>
/// On a standalone gateway, a grain call that failed because its silo was going or gone (the message was
/// rejected, or the silo was declared dead while the call waited) is sent again, a few times within about
/// two seconds, before the request is answered 503. The call goes to the grain's new activation. This is
/// exactly what the 503 would have asked the client to do, with the same request: every operation of the
/// API is safe to repeat (webhooks by event id, usage by idempotency key, commands by their idempotency key,
/// reads), so a rolling restart shows clients no error at all.
/// </summary>
public sealed partial class TransientCallRetry(ILogger<TransientCallRetry> logger) : IOutgoingGrainCallFilter
{
    private static readonly TimeSpan[] Pauses = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(1500)];

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        for (var attempt = 0; ; attempt++)
        {
            ExceptionDispatchInfo? thrown = null;
            try
            {
                await context.Invoke();
            }
            catch (Exception ex) when (IsTransient(ex))
            {
                thrown = ExceptionDispatchInfo.Capture(ex);
            }

            var failure = thrown?.SourceException ?? context.Response?.Exception;
            if (failure is null || !IsTransient(failure) || attempt == Pauses.Length)
            {
                thrown?.Throw();
                return;
            }

            LogRetry(context.InterfaceName, context.MethodName, failure.GetType().Name, attempt + 1);
            await Task.Delay(Pauses[attempt]);
        }
    }

    private static bool IsTransient(Exception exception) => exception is OrleansMessageRejectionException or SiloUnavailableException;

    [LoggerMessage(Level = LogLevel.Information, Message = "{Interface}.{Method} failed with {Exception} (its silo is going or gone): sending it again, retry {Attempt}")]
    private partial void LogRetry(string @interface, string method, string exception, int attempt);
}
