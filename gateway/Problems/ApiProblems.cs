using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Gateway.Problems;

/// <summary>Turns refusals into RFC 9457 problem details with a stable type.</summary>
public static class ApiProblems
{
    public static IResult InvalidId(string name, string value) => Results.Problem(
        type: ProblemTypes.InvalidId,
        statusCode: StatusCodes.Status400BadRequest,
        title: "Malformed id",
        detail: $"The {name} '{Truncate(value)}' must be {BillingIds.Rule}.");

    public static IResult InvalidRequest(IDictionary<string, string[]> errors) => Results.ValidationProblem(
        errors,
        type: ProblemTypes.InvalidRequest,
        title: "The request is not valid");

    public static IResult InvalidRequest(string field, string message) =>
        InvalidRequest(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>The problem for a command the grain refused.</summary>
    public static IResult From(CommandError error) => error.Code switch
    {
        CommandErrorCode.TransitionNotAllowed => Results.Problem(
            type: ProblemTypes.TransitionNotAllowed,
            statusCode: StatusCodes.Status409Conflict,
            title: "Transition not allowed",
            detail: error.Message,
            extensions: new Dictionary<string, object?>
            {
                ["currentState"] = error.CurrentState.ToString(),
                ["transition"] = error.Transition?.ToString(),
            }),
        CommandErrorCode.UnknownPlan => Problem(error, ProblemTypes.UnknownPlan, StatusCodes.Status422UnprocessableEntity, "Unknown plan"),
        CommandErrorCode.UnknownProduct => Problem(error, ProblemTypes.UnknownProduct, StatusCodes.Status422UnprocessableEntity, "Unknown product"),
        CommandErrorCode.IdempotencyKeyReused => Problem(error, ProblemTypes.IdempotencyKeyReused, StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused"),
        CommandErrorCode.InvalidRequest => Problem(error, ProblemTypes.InvalidRequest, StatusCodes.Status400BadRequest, "The request is not valid"),
        CommandErrorCode.ProviderUnavailable => Problem(error, ProblemTypes.ProviderUnavailable, StatusCodes.Status503ServiceUnavailable, "Payment provider unavailable"),
        CommandErrorCode.NoBillingAccount => Problem(error, ProblemTypes.NoBillingAccount, StatusCodes.Status409Conflict, "No billing account yet"),
        CommandErrorCode.ProviderRejected => Problem(error, ProblemTypes.ProviderRejected, StatusCodes.Status502BadGateway, "Payment provider refused the request"),
        CommandErrorCode.UnknownEntitlement => Problem(error, ProblemTypes.UnknownEntitlement, StatusCodes.Status422UnprocessableEntity, "Unknown feature or limit"),
        CommandErrorCode.OverrideNotFound => Problem(error, ProblemTypes.NotFound, StatusCodes.Status404NotFound, "No such override"),
        CommandErrorCode.PaymentNotFound => Problem(error, ProblemTypes.NotFound, StatusCodes.Status404NotFound, "No such payment of the customer"),
        CommandErrorCode.PaymentDeclined => Problem(error, ProblemTypes.PaymentDeclined, StatusCodes.Status402PaymentRequired, "Payment declined"),
        CommandErrorCode.NotRefundable => Problem(error, ProblemTypes.NotRefundable, StatusCodes.Status422UnprocessableEntity, "Not refundable"),
        CommandErrorCode.EndpointNotFound => Problem(error, ProblemTypes.NotFound, StatusCodes.Status404NotFound, "No such event endpoint"),
        CommandErrorCode.EventNotFound => Problem(error, ProblemTypes.NotFound, StatusCodes.Status404NotFound, "No such event"),
        _ => throw new ArgumentOutOfRangeException(nameof(error), error.Code, "Unknown command error."),
    };

    private static IResult Problem(CommandError error, string type, int status, string title) =>
        Results.Problem(type: type, statusCode: status, title: title, detail: error.Message);

    private static string Truncate(string value) => value.Length <= 80 ? value : value[..80] + "…";
}
