using Microsoft.AspNetCore.Diagnostics;
using Npgsql;
using Orleans.Runtime.Messaging;
using Orleans.Storage;
using OrleansBilling.GrainInterfaces;

namespace OrleansBilling.Gateway.Problems;

/// <summary>
/// The exceptions that are not the service's own defects, answered as problems and logged in one
/// line without a stack trace: the cluster or a dependency unavailable (503 with <c>Retry-After</c>),
/// and a request the framework refused (its 4xx). Anything else stays a 500, logged with its stack
/// by the exception handler middleware.
/// </summary>
public sealed partial class ExceptionProblems(IProblemDetailsService problems, ILogger<ExceptionProblems> logger) : IExceptionHandler
{
    /// <summary>What a 503 asks the caller to wait: a silo declared dead is replaced in about this long.</summary>
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, type, title, detail) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, ProblemTypes.ForStatus(bad.StatusCode), "The request is not valid", bad.Message),
            _ when IsUnavailable(exception) => (StatusCodes.Status503ServiceUnavailable, ProblemTypes.ServiceUnavailable, "Service unavailable",
                HttpMethods.IsGet(httpContext.Request.Method) || HttpMethods.IsHead(httpContext.Request.Method)
                    ? "The billing cluster could not answer just now. Try again after Retry-After."
                    : "The billing cluster could not answer just now, so whether this request took effect is unknown. "
                        + "Repeat it after Retry-After with the same Idempotency-Key: it is then applied at most once."),
            _ => (0, "", "", ""),
        };
        if (status == 0)
        {
            return false;
        }

        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            LogUnavailable(httpContext.Request.Method, httpContext.Request.Path, exception.GetType().Name);
        }
        else
        {
            LogRefused(httpContext.Request.Method, httpContext.Request.Path, status, exception.GetType().Name);
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Type = type, Title = title, Detail = detail },
        });
    }

    /// <summary>
    /// Whether the exception says the cluster or a dependency is unavailable now, not that the request
    /// or the code is wrong: a silo gone or going, a message rejected, no answer in time, a write
    /// that lost a race, the database out of reach.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException or GatewayTooBusyException
            or ClientNotAvailableException or OrleansLifecycleCanceledException or InconsistentStateException => true,
        TimeoutException or DependencyUnavailableException => true,
        NpgsqlException npgsql => npgsql.IsTransient,
        AggregateException { InnerExceptions.Count: 1 } aggregate => IsUnavailable(aggregate.InnerExceptions[0]),

        // Orleans wraps what a storage provider threw (the database out of reach while a grain activates or writes).
        OrleansException { InnerException: { } inner } => IsUnavailable(inner),
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: the cluster or a dependency is unavailable ({Exception})")]
    private partial void LogUnavailable(string method, PathString path, string exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} refused with {Status} ({Exception})")]
    private partial void LogRefused(string method, PathString path, int status, string exception);
}
