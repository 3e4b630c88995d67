namespace OrleansBilling.Gateway.Problems;

/// <summary>What every operation of a caller's surface (<c>/v1</c>, <c>/admin/v1</c>) shares: its refusals, its body limit, its one retried read.</summary>
public static class CallerGroups
{
    /// <summary>
    /// Declares the problems any operation of the group may answer (a malformed request, a failed
    /// authentication, a body too large, too many failures, the cluster unavailable), limits bodies to
    /// <see cref="BodyLimits.Command"/> unless an operation says otherwise, and retries a read once when
    /// the cluster is unavailable.
    /// </summary>
    public static RouteGroupBuilder WithCallerDefaults(this RouteGroupBuilder group) => group
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status429TooManyRequests)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
        .WithBodyLimit(BodyLimits.Command)
        .AddEndpointFilter<RetryReadOnceWhenUnavailable>();
}
