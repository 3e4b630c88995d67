using System.Text.Json;
using System.Xml;
using OrleansBilling.Gateway.Problems;
using OrleansBilling.Gateway.Validation;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Products;
using OrleansBilling.GrainInterfaces.Staff;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.GrainInterfaces.Webhooks;

namespace OrleansBilling.Gateway.Admin;

/// <summary>Support and operations calls under <c>/admin/v1</c>.</summary>
public static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin/v1")
            .RequiresStaff(StaffRole.Support)
            .WithTags("Admin")
            .WithCallerDefaults()
            .AddEndpointFilter<StaffAuditFilter>()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        admin.MapGet("/anomalies", Anomalies)
            .WithName("ListAnomalies")
            .WithSummary("Provider events the lifecycle table refused, newest first")
            .Produces<IReadOnlyList<AnomalyView>>();
        admin.MapPost("/stripe-events/{eventId}/rerun", RerunEvent)
            .WithName("RerunStripeEvent")
            .WithSummary("Read a stored Stripe event again with the code running now and handle it (an anomaly, or an event left without an outcome); applied at most once")
            .RequiresStaff(StaffRole.Admin)
            .Produces<WebhookOutcome>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPut("/products/{productId}/dunning", SetDunning)
            .WithName("SetDunningPolicy")
            .WithSummary("Replace a product's dunning policy (new episodes use it; running ones keep theirs)")
            .RequiresStaff(StaffRole.Admin)
            .Produces<IReadOnlyList<DunningStepView>>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        admin.MapGet("/products/{productId}/dunning", DunningPolicies)
            .WithName("ListDunningPolicies")
            .WithSummary("Every version of a product's dunning policy, newest (the one in force) first, with who set it and when")
            .Produces<IReadOnlyList<DunningPolicyVersion>>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapGet("/products/{productId}/dunning/preview", PreviewDunning)
            .WithName("PreviewDunning")
            .WithSummary("The timeline a customer whose payments keep failing would follow, from a given start")
            .Produces<IReadOnlyList<DunningStepView>>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapGet("/products/{productId}/customers/{customerId}/overrides", ListOverrides)
            .WithName("ListOverrides")
            .WithSummary("The support overrides in force for a customer")
            .Produces<IReadOnlyList<OverrideView>>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPost("/products/{productId}/customers/{customerId}/overrides", GrantOverride)
            .WithName("GrantOverride")
            .WithSummary("Switch a feature or set a limit for one customer until it expires; recorded with actor and reason")
            .WithMetadata(new AuditedByRecord())
            .Produces<OverrideView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        admin.MapGet("/products/{productId}/customers/{customerId}/history", History)
            .WithName("ListHistory")
            .WithSummary("A customer's whole record, newest first: who did what, and what the customer paid before and after")
            .Produces<IReadOnlyList<HistoryEntry>>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPost("/products/{productId}/customers/{customerId}/refunds", Refund)
            .WithName("Refund")
            .WithSummary("Refund a paid invoice or a charge through Stripe, whole or in part, never more than remains; needs an Idempotency-Key; recorded with actor and reason")
            .RequiresStaff(StaffRole.Finance)
            .WithMetadata(new AuditedByRecord())
            .Produces<RefundView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        admin.MapApiKeyAdmin();
        admin.MapEventEndpointAdmin();
        admin.MapStaffTokenAdmin();
        admin.MapConsoleData();
        admin.MapReports();
        admin.MapDelete("/products/{productId}/customers/{customerId}/overrides/{overrideId}", RemoveOverride)
            .WithName("RemoveOverride")
            .WithSummary("Remove an override before it expires; recorded with actor")
            .WithMetadata(new AuditedByRecord())
            .Produces<OverrideView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return admin;
    }

    private static async Task<IResult> ListOverrides(string productId, string customerId, IGrainFactory grains) =>
        await Customer(grains, productId, customerId) switch
        {
            (null, var problem) => problem!,
            (var grain, _) => Results.Ok(await grain!.GetOverrides()),
        };

    private static async Task<IResult> GrantOverride(string productId, string customerId, OverrideBody body, IGrainFactory grains, HttpContext http)
    {
        var errors = new Dictionary<string, string[]>();
        if ((body.Feature is null) == (body.Limit is null))
        {
            errors["feature"] = ["Give either a feature or a limit."];
        }

        bool? featureValue = null;
        long? limitValue = null;
        if (body.Feature is not null)
        {
            featureValue = body.Value?.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => null };
            if (featureValue is null)
            {
                errors["value"] = ["A feature override's value is true or false."];
            }
        }
        else if (body.Limit is not null)
        {
            limitValue = body.Value is { ValueKind: JsonValueKind.Number } n && n.TryGetInt64(out var number) && number >= 0 ? number : null;
            if (limitValue is null)
            {
                errors["value"] = ["A limit override's value is a whole number, 0 or more."];
            }
        }

        if (!TextRules.IsPrintable(body.Reason, 500))
        {
            errors["reason"] = ["A reason of at most 500 printable characters is required: it is kept in the history."];
        }

        if (body.ExpiresAt is null)
        {
            errors["expiresAt"] = ["When the override stops applying is required: overrides always expire."];
        }

        // Built only once the body is known to be whole.
        return await StaffCommand(http, grains, productId, customerId, errors, "override", body, (grain, context) => grain.GrantOverride(
            new OverrideRequest(body.Feature, body.Limit, featureValue, limitValue, body.Reason!, body.ExpiresAt!.Value), StaffContext(http, context, "grant-override", body.Reason)));
    }

    private static async Task<IResult> RemoveOverride(string productId, string customerId, string overrideId, IGrainFactory grains, HttpContext http)
    {
        var (grain, problem) = await Customer(grains, productId, customerId);
        return grain is null ? problem! : Answer(http, await grain.RemoveOverride(overrideId, StaffContext(http, new CommandContext(null, null), "remove-override", null)));
    }

    private static async Task<IResult> Refund(string productId, string customerId, RefundBody body, IGrainFactory grains, HttpContext http)
    {
        var errors = new Dictionary<string, string[]>();
        if ((body.Invoice is null) == (body.Charge is null))
        {
            errors["invoice"] = ["Give either the paid invoice (in_…) or the charge (ch_…) to refund."];
        }
        else if (body.Invoice is { } invoice && !IsStripeId(invoice, "in_"))
        {
            errors["invoice"] = ["A Stripe invoice id: in_ and up to 250 letters and digits."];
        }
        else if (body.Charge is { } charge && !IsStripeId(charge, "ch_"))
        {
            errors["charge"] = ["A Stripe charge id: ch_ and up to 250 letters and digits."];
        }

        if (body.Amount is < 1 or > 99_999_999)
        {
            errors["amount"] = ["The amount in minor units (cents), 1 to 99999999; omit it to refund all that remains."];
        }

        if (!TextRules.IsPrintable(body.Reason, 500))
        {
            errors["reason"] = ["A reason of at most 500 printable characters is required: it is kept in the history."];
        }

        if (string.IsNullOrEmpty(http.Request.Headers[Api.Idempotency.Header]))
        {
            errors[Api.Idempotency.Header] = ["A refund needs an Idempotency-Key: repeating the request then refunds once."];
        }

        return await StaffCommand(http, grains, productId, customerId, errors, "refund", body, (grain, context) => grain.Refund(
            new RefundRequest(body.Invoice, body.Charge, body.Amount, body.Reason!, body.CancelSubscription), StaffContext(http, context, "refund", body.Reason)));
    }

    /// <summary>
    /// A staff command on one customer, once its body was checked: the problems found, or the customer's grain
    /// (a known product, valid ids) and the request's idempotency context, then the grain's answer.
    /// </summary>
    private static async Task<IResult> StaffCommand<T>(
        HttpContext http, IGrainFactory grains, string productId, string customerId, Dictionary<string, string[]> errors, string operation, object body,
        Func<ISubscriptionGrain, CommandContext, Task<CommandResult<T>>> send)
        where T : class
    {
        if (errors.Count > 0)
        {
            return ApiProblems.InvalidRequest(errors);
        }

        var (grain, problem) = await Customer(grains, productId, customerId);
        if (grain is null)
        {
            return problem!;
        }

        var (context, error) = Api.Idempotency.ContextOf(http.Request, operation, body);
        return context is null ? ApiProblems.InvalidRequest(Api.Idempotency.Header, error!) : Answer(http, await send(grain, context));
    }

    private static bool IsStripeId(string value, string prefix) =>
        value.Length > prefix.Length && value.Length <= prefix.Length + 250 && value.StartsWith(prefix, StringComparison.Ordinal)
        && value[prefix.Length..].All(char.IsAsciiLetterOrDigit);

    private static IResult Answer<T>(HttpContext http, CommandResult<T> result)
        where T : class
    {
        if (result.Replayed)
        {
            http.Response.Headers[Api.Idempotency.ReplayedHeader] = "true";
        }

        return result.Error is { } refusal ? ApiProblems.From(refusal) : Results.Ok(result.Value);
    }

    /// <summary>The customer's grain, or the problem: a malformed id, or a product this service does not know.</summary>
    private static async Task<(ISubscriptionGrain? Grain, IResult? Problem)> Customer(IGrainFactory grains, string productId, string customerId)
    {
        if (!BillingIds.IsValid(productId))
        {
            return (null, ApiProblems.InvalidId("product id", productId));
        }

        if (!BillingIds.IsValid(customerId))
        {
            return (null, ApiProblems.InvalidId("customer id", customerId));
        }

        return await grains.GetGrain<IProductGrain>(BillingIds.ProductKey(productId)).GetDefinition() is null
            ? (null, UnknownProduct(productId))
            : (grains.GetGrain<ISubscriptionGrain>(BillingIds.SubscriptionKey(productId, customerId)), null);
    }

    /// <summary>The product's grain when <paramref name="productId"/> is a configured product; else the problem to answer (400 or 404).</summary>
    internal static async Task<(IProductGrain? Product, IResult? Problem)> ConfiguredProductAsync(IGrainFactory grains, string productId)
    {
        if (!BillingIds.IsValid(productId))
        {
            return (null, ApiProblems.InvalidId("product id", productId));
        }

        var product = grains.GetGrain<IProductGrain>(BillingIds.ProductKey(productId));
        return await product.GetDefinition() is null ? (null, UnknownProduct(productId)) : (product, null);
    }

    private static async Task<IResult> History(string productId, string customerId, long? before, int? limit, IGrainFactory grains)
    {
        if (limit is < 1 or > 500 || before is < 1)
        {
            return ApiProblems.InvalidRequest(limit is < 1 or > 500 ? "limit" : "before", limit is < 1 or > 500 ? "Between 1 and 500." : "A sequence number of 1 or more.");
        }

        var (grain, problem) = await Customer(grains, productId, customerId);
        return grain is null ? problem! : Results.Ok(await grain.GetHistory(before, limit ?? 100));
    }

    private static async Task<IResult> DunningPolicies(string productId, IGrainFactory grains)
    {
        if (!BillingIds.IsValid(productId))
        {
            return ApiProblems.InvalidId("product id", productId);
        }

        var versions = await grains.GetGrain<IProductGrain>(BillingIds.ProductKey(productId)).GetDunningPolicies();
        return versions.Count == 0 ? UnknownProduct(productId) : Results.Ok(versions);
    }

    /// <summary>A command's context as the member of staff the request authenticated as: the history's actor and the audit trail's person.</summary>
    private static CommandContext StaffContext(HttpContext http, CommandContext context, string action, string? reason) =>
        context with { Actor = ActorOf(http), Staff = StaffAudit.Of(StaffCaller.Of(http), action, reason) };

    /// <summary>Who acts, for the history: the member of staff the request authenticated as (<see cref="StaffCaller"/>), never a header.</summary>
    internal static string ActorOf(HttpContext http) => StaffPeople.Actor(StaffCaller.Of(http).Person);

    internal static IResult UnknownProduct(string productId) =>
        Results.Problem(type: ProblemTypes.UnknownProduct, statusCode: StatusCodes.Status404NotFound, title: "Unknown product", detail: $"Product '{productId}' is not configured.");

    private static async Task<IResult> SetDunning(string productId, DunningPolicyBody body, IGrainFactory grains, HttpContext http)
    {
        if (!BillingIds.IsValid(productId))
        {
            return ApiProblems.InvalidId("product id", productId);
        }

        if (body.Steps is { Count: > DunningPolicy.MaxSteps })
        {
            return ApiProblems.InvalidRequest("steps", $"At most {DunningPolicy.MaxSteps} steps.");
        }

        var errors = new Dictionary<string, string[]>();
        var steps = new List<DunningStep>();
        foreach (var (step, i) in (body.Steps ?? []).Select((step, i) => (step, i)))
        {
            if (step is null)
            {
                errors[$"steps[{i}]"] = ["A step is an object with after, action and template."];
                continue;
            }

            TimeSpan after = default;
            try
            {
                after = XmlConvert.ToTimeSpan(step.After ?? "");
            }
            catch (Exception ex) when (ex is FormatException or OverflowException)
            {
                errors[$"steps[{i}].after"] = ["An ISO 8601 duration such as P3D."];
            }

            if (!Enum.TryParse<DunningAction>(step.Action, ignoreCase: true, out var action) || int.TryParse(step.Action, out _))
            {
                errors[$"steps[{i}].action"] = ["One of email, suspend, cancel."];
            }

            if (step.Template is not null && !TextRules.IsPrintable(step.Template, 100))
            {
                errors[$"steps[{i}].template"] = ["A template name of at most 100 printable characters."];
            }

            steps.Add(new DunningStep(after, action, step.Template ?? "", step.RetryPayment ?? false));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.InvalidRequest(errors);
        }

        var product = grains.GetGrain<IProductGrain>(BillingIds.ProductKey(productId));
        if (await product.GetDefinition() is null)
        {
            return UnknownProduct(productId);
        }

        var actor = ActorOf(http);

        var problems = await product.SetDunningPolicy(new DunningPolicy(steps), actor);
        return problems.Count > 0
            ? Results.Problem(type: ProblemTypes.InvalidDunningPolicy, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Invalid dunning policy", detail: string.Join(" ", problems))
            : Results.Ok(await product.PreviewDunning(DateTimeOffset.UnixEpoch));
    }

    private static async Task<IResult> PreviewDunning(string productId, DateTimeOffset? start, IGrainFactory grains, TimeProvider clock)
    {
        if (!BillingIds.IsValid(productId))
        {
            return ApiProblems.InvalidId("product id", productId);
        }

        // A timeline from any start up to a year after it must be a date.
        if (start is { } from && (from.Year < 2000 || from.Year > 9000))
        {
            return ApiProblems.InvalidRequest("start", "A date between the years 2000 and 9000.");
        }

        var product = grains.GetGrain<IProductGrain>(BillingIds.ProductKey(productId));
        return await product.GetDefinition() is null
            ? UnknownProduct(productId)
            : Results.Ok(await product.PreviewDunning(start ?? clock.GetUtcNow()));
    }

    private static async Task<IResult> RerunEvent(string eventId, IGrainFactory grains, HttpContext http)
    {
        if (!StripeWebhookReader.IsEventId(eventId))
        {
            return ApiProblems.InvalidRequest("eventId", "A Stripe event id: evt_ and at most 251 letters, digits and underscores.");
        }

        var actor = ActorOf(http);

        return await grains.GetGrain<IStripeEventGrain>(StripeWebhook.InboxKeyOf(eventId)).Rerun(actor) is { } outcome
            ? Results.Ok(outcome)
            : Results.Problem(type: ProblemTypes.NotFound, statusCode: StatusCodes.Status404NotFound, title: "Unknown event", detail: $"No Stripe event '{eventId}' is stored.");
    }

    private static async Task<IResult> Anomalies(IGrainFactory grains, int? limit) =>
        limit is < 1 or > 500
            ? ApiProblems.InvalidRequest("limit", "Between 1 and 500.")
            : Results.Ok(await grains.GetGrain<IAnomalyLogGrain>(0).Recent(limit ?? 100));
}
