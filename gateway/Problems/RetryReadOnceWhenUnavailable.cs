namespace OrleansBilling.Gateway.Problems;

/// <summary>
/// A read (GET or HEAD) that fails because the cluster is unavailable is tried once more before the
/// caller hears a 503: while a silo is being declared dead, the second try usually reaches the grain's
/// new activation. Commands are never retried here; they carry their own idempotency keys.
/// </summary>
public sealed class RetryReadOnceWhenUnavailable : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var method = context.HttpContext.Request.Method;
        if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method))
        {
            return await next(context);
        }

        try
        {
            return await next(context);
        }
        catch (Exception ex) when (ExceptionProblems.IsUnavailable(ex) && !context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            return await next(context);
        }
    }
}
