using OrleansBilling.Gateway.Auth;
using OrleansBilling.Gateway.Problems;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Usage;

namespace OrleansBilling.Gateway.Api;

/// <summary>
/// Metered usage, one event or a batch. Every event gets its own answer; a batch goes to each
/// customer's grain in one call, so it is one durable write per customer, and only events the
/// journal holds are answered as accepted.
/// </summary>
public static class UsageApi
{
    public const int MaxBatch = 1000;

    public static void MapUsageApi(this RouteGroupBuilder v1)
    {
        v1.MapPost("/customers/{customerId}/usage", RecordOne)
            .WithName("RecordUsage").WithSummary("Report one usage event; a repeated idempotencyKey counts once")
            .Produces<UsageEventResult>()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        v1.MapPost("/usage", RecordBatch)
            .WithName("RecordUsageBatch").WithSummary($"Report up to {MaxBatch} usage events for any customers, with a result per event")
            .Produces<UsageBatchResult>()
            .WithBodyLimit(BodyLimits.UsageBatch);
    }

    private static async Task<IResult> RecordOne(string customerId, UsageBody body, IGrainFactory grains, HttpContext http)
    {
        if (!BillingIds.IsValid(customerId))
        {
            return ApiProblems.InvalidId("customer id", customerId);
        }

        var result = (await Record(grains, ProductCaller.Of(http).ProductId, [new UsageBatchEvent(customerId, body.Meter, body.Quantity, body.IdempotencyKey, body.Timestamp)]))[0];
        if (result.Outcome == UsageOutcome.Duplicate)
        {
            http.Response.Headers[Idempotency.ReplayedHeader] = "true";
        }

        return result.Error is { } error ? Problem(error, result.Detail) : Results.Ok(result);
    }

    private static async Task<IResult> RecordBatch(UsageBatchBody body, IGrainFactory grains, HttpContext http)
    {
        if (body.Events is not { Count: > 0 and <= MaxBatch } events)
        {
            return ApiProblems.InvalidRequest("events", $"Between 1 and {MaxBatch} usage events.");
        }

        var results = await Record(grains, ProductCaller.Of(http).ProductId, events);
        return Results.Ok(new UsageBatchResult(
            results.Count(r => r.Outcome == UsageOutcome.Accepted),
            results.Count(r => r.Outcome == UsageOutcome.Duplicate),
            results.Count(r => r.Outcome == UsageOutcome.Rejected),
            results));
    }

    /// <summary>Checks the shape of each event, sends each customer's events to its grain in one call, and answers in order.</summary>
    private static async Task<UsageEventResult[]> Record(IGrainFactory grains, string productId, IReadOnlyList<UsageBatchEvent?> events)
    {
        var results = new UsageEventResult[events.Count];
        var byCustomer = new Dictionary<string, List<(int Index, UsageEvent Event)>>(StringComparer.Ordinal);
        for (var i = 0; i < events.Count; i++)
        {
            var body = events[i];
            if (Parse(body) is { } usageEvent)
            {
                if (!byCustomer.TryGetValue(body!.CustomerId!, out var list))
                {
                    byCustomer[body.CustomerId!] = list = [];
                }

                list.Add((i, usageEvent));
            }
            else
            {
                results[i] = Rejected(body, ShapeError(body!));
            }
        }

        await Task.WhenAll(byCustomer.Select(async customer =>
        {
            IReadOnlyList<UsageResult> answers;
            try
            {
                answers = await grains.GetGrain<IUsageGrain>(BillingIds.SubscriptionKey(productId, customer.Key))
                    .RecordUsage([.. customer.Value.Select(e => e.Event)]);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Not stored, so not acknowledged: the same events may be sent again with the same keys.
                answers = [.. customer.Value.Select(e => new UsageResult(
                    e.Event.IdempotencyKey, UsageOutcome.Rejected, UsageError.Unavailable, "The usage could not be stored now; send it again with the same idempotencyKey."))];
            }

            for (var j = 0; j < answers.Count; j++)
            {
                var a = answers[j];
                results[customer.Value[j].Index] = new UsageEventResult(customer.Key, a.IdempotencyKey, a.Outcome, a.Error, a.Detail, a.PeriodStart);
            }
        }));
        return results;
    }

    /// <summary>The event the body stands for, or null when its shape is wrong (see <see cref="ShapeError"/>).</summary>
    private static UsageEvent? Parse(UsageBatchEvent? body) =>
        body is { IdempotencyKey: { Length: > 0 } key, Meter: { Length: > 0 } meter, Quantity.Value: { } quantity, Timestamp.Malformed: false }
            && BillingIds.IsValid(body.CustomerId)
            ? new UsageEvent(meter, quantity, body.Timestamp.Value, key)
            : null;

    private static (UsageError Error, string Detail) ShapeError(UsageBatchEvent? body) => body switch
    {
        null => (UsageError.InvalidIdempotencyKey, "The event is missing."),
        _ when !BillingIds.IsValid(body.CustomerId) => (UsageError.InvalidCustomerId, $"A customerId of {BillingIds.Rule} is required."),
        { IdempotencyKey: null or "" } => (UsageError.InvalidIdempotencyKey, "An idempotencyKey is required: it makes a repeated event count once."),
        { Meter: null or "" } => (UsageError.UnknownMeter, "A meter is required."),
        { Quantity.Value: null } => (UsageError.InvalidQuantity, $"The quantity must be a number, 0 or more, with at most {UsageQuantities.MaxDecimals} decimal places and {UsageQuantities.MaxDigits} significant digits."),
        _ => (UsageError.InvalidTimestamp, "The timestamp must be RFC 3339 with an offset (2026-11-24T10:00:00Z) or Unix seconds."),
    };

    private static UsageEventResult Rejected(UsageBatchEvent? body, (UsageError Error, string Detail) why) =>
        new(body?.CustomerId, body?.IdempotencyKey, UsageOutcome.Rejected, why.Error, why.Detail, null);

    private static IResult Problem(UsageError error, string? detail)
    {
        var (type, status, title) = error switch
        {
            UsageError.UnknownMeter => (ProblemTypes.UnknownMeter, StatusCodes.Status422UnprocessableEntity, "Unknown meter"),
            UsageError.InvalidQuantity => (ProblemTypes.InvalidQuantity, StatusCodes.Status400BadRequest, "Invalid quantity"),
            UsageError.OutsidePeriod => (ProblemTypes.OutsidePeriod, StatusCodes.Status422UnprocessableEntity, "Outside the billing period"),
            UsageError.NoBillingPeriod => (ProblemTypes.NoBillingPeriod, StatusCodes.Status409Conflict, "No billing period"),
            UsageError.LimitExceeded => (ProblemTypes.UsageLimitReached, StatusCodes.Status409Conflict, "Usage limit reached"),
            UsageError.Unavailable => (ProblemTypes.UsageUnavailable, StatusCodes.Status503ServiceUnavailable, "Usage not stored"),
            _ => (ProblemTypes.InvalidRequest, StatusCodes.Status400BadRequest, "The request is not valid"),
        };
        return Results.Problem(type: type, statusCode: status, title: title, detail: detail);
    }
}
