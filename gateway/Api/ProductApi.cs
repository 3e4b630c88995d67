using OrleansBilling.Gateway.Auth;
using OrleansBilling.Gateway.Problems;
using OrleansBilling.Gateway.Validation;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Gateway.Api;

/// <summary>The product API under <c>/v1</c>: requests become grain calls and nothing more.</summary>
public static class ProductApi
{
    public static RouteGroupBuilder MapProductApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1")
            .WithMetadata(new RequiresProductKey())
            .WithTags("Product API")
            .WithCallerDefaults();

        v1.MapEntitlementsApi();
        v1.MapUsageApi();
        v1.MapGet("/customers/{customerId}/subscription", GetSubscription)
            .WithName("GetSubscription").WithSummary("State, plan, period and recent history")
            .Produces<SubscriptionView>();
        v1.MapGet("/customers/{customerId}/dunning", GetDunning)
            .WithName("GetDunning").WithSummary("The open dunning episode: steps taken, the next step and when")
            .Produces<DunningView>();
        v1.MapPost("/checkout", StartCheckout)
            .WithName("StartCheckout").WithSummary("Start a subscription: returns the hosted checkout URL")
            .Produces<CheckoutView>().ProducesCommandProblems();
        v1.MapPost("/customers/{customerId}/subscription/cancel", Cancel)
            .WithName("CancelSubscription").WithSummary("Cancel now or at the period end")
            .Produces<SubscriptionView>().ProducesCommandProblems();
        v1.MapPost("/customers/{customerId}/subscription/pause", Pause)
            .WithName("PauseSubscription").WithSummary("Pause collection: the subscription runs on, its invoices are not charged")
            .Produces<SubscriptionView>().ProducesCommandProblems();
        v1.MapPost("/customers/{customerId}/subscription/resume", Resume)
            .WithName("ResumeSubscription").WithSummary("Undo a scheduled cancel, or resume a pause")
            .Produces<SubscriptionView>().ProducesCommandProblems();
        v1.MapPost("/customers/{customerId}/subscription/plan", ChangePlan)
            .WithName("ChangePlan").WithSummary("Upgrade or downgrade now with proration, or at the period end")
            .Produces<SubscriptionView>().ProducesCommandProblems()
            .ProducesProblem(StatusCodes.Status402PaymentRequired);
        v1.MapGet("/customers/{customerId}/subscription/plan/preview", PreviewPlanChange)
            .WithName("PreviewPlanChange").WithSummary("What a plan change would cost now and at the next renewal, from Stripe's invoice preview")
            .Produces<PlanChangePreview>()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        v1.MapDelete("/customers/{customerId}/subscription/plan/scheduled", UnschedulePlanChange)
            .WithName("UnschedulePlanChange").WithSummary("Withdraw a plan change scheduled for the period end")
            .Produces<SubscriptionView>().ProducesCommandProblems();
        v1.MapPost("/customers/{customerId}/portal", CreatePortal)
            .WithName("CreatePortalSession").WithSummary("A link to the self-service billing portal")
            .Produces<PortalView>().ProducesCommandProblems();
        v1.MapGet("/customers/{customerId}/invoices", GetInvoices)
            .WithName("ListInvoices").WithSummary("The customer's most recent invoices, newest first")
            .Produces<IReadOnlyList<InvoiceView>>()
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return v1;
    }

    private static async Task<IResult> CreatePortal(string customerId, PortalBody body, IGrainFactory grains, HttpContext http)
    {
        if (Subscription(http, customerId, grains) is not { } grain)
        {
            return ApiProblems.InvalidId("customer id", customerId);
        }

        var errors = new Dictionary<string, string[]>();
        RequireUrl(errors, "returnUrl", body.ReturnUrl);
        return errors.Count > 0
            ? ApiProblems.InvalidRequest(errors)
            : await Command(http, "portal", body, context => grain.CreatePortalSession(body.ReturnUrl!, context));
    }

    private static async Task<IResult> GetInvoices(string customerId, IGrainFactory grains, HttpContext http)
    {
        if (Subscription(http, customerId, grains) is not { } grain)
        {
            return ApiProblems.InvalidId("customer id", customerId);
        }

        var result = await grain.GetInvoices();
        return result.Error is { } refusal ? ApiProblems.From(refusal) : Results.Ok(result.Value);
    }

    private static async Task<IResult> GetSubscription(string customerId, IGrainFactory grains, HttpContext http) =>
        Subscription(http, customerId, grains) is { } grain
            ? Results.Ok(await grain.GetSubscription())
            : ApiProblems.InvalidId("customer id", customerId);

    private static async Task<IResult> GetDunning(string customerId, IGrainFactory grains, HttpContext http) =>
        Subscription(http, customerId, grains) is { } grain
            ? Results.Ok(await grain.GetDunning())
            : ApiProblems.InvalidId("customer id", customerId);

    private static async Task<IResult> StartCheckout(CheckoutBody body, IGrainFactory grains, HttpContext http)
    {
        if (string.IsNullOrEmpty(body.CustomerId))
        {
            return ApiProblems.InvalidRequest("customerId", "The product's id for its customer is required.");
        }

        if (!BillingIds.IsValid(body.CustomerId))
        {
            return ApiProblems.InvalidId("customer id", body.CustomerId);
        }

        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body.Plan))
        {
            errors["plan"] = ["A plan id is required."];
        }

        RequireUrl(errors, "successUrl", body.SuccessUrl);
        RequireUrl(errors, "cancelUrl", body.CancelUrl);
        if (body.Email is not null && !TextRules.IsEmail(body.Email))
        {
            errors["email"] = ["Not an email address (an ASCII local part and a domain with a top-level domain; international domains in punycode)."];
        }

        if (errors.Count > 0)
        {
            return ApiProblems.InvalidRequest(errors);
        }

        return await Command(http, "checkout", body, context => Subscription(http, body.CustomerId, grains)!
            .StartCheckout(new CheckoutRequest(body.Plan!, body.SuccessUrl!, body.CancelUrl!, body.Email), context));
    }

    private static async Task<IResult> Cancel(string customerId, CancelBody body, IGrainFactory grains, HttpContext http)
    {
        if (Subscription(http, customerId, grains) is not { } grain)
        {
            return ApiProblems.InvalidId("customer id", customerId);
        }

        if (body.AtPeriodEnd is not { } atPeriodEnd)
        {
            return ApiProblems.InvalidRequest("atPeriodEnd", "Say true to cancel at the period end, false to cancel now.");
        }

        return await Command(http, "cancel", body, context => grain.Cancel(atPeriodEnd, context));
    }

    private static async Task<IResult> Pause(string customerId, PauseBody body, IGrainFactory grains, HttpContext http)
    {
        if (Subscription(http, customerId, grains) is not { } grain)
        {
            return ApiProblems.InvalidId("customer id", customerId);
        }

        PauseBehavior? behavior = body.Behavior switch
        {
            "void" => PauseBehavior.Void,
            "keep_as_draft" => PauseBehavior.KeepAsDraft,
            "mark_uncollectible" => PauseBehavior.MarkUncollectible,
            _ => null,
        };
        if (behavior is null)
        {
            return ApiProblems.InvalidRequest("behavior", "Use void (the paused time is free), keep_as_draft or mark_uncollectible.");
        }

        var request = new PauseRequest(behavior.Value, body.ResumesAt);
        return await Command(http, "pause", request, context => grain.Pause(request, context));
    }

    private static async Task<IResult> Resume(string customerId, IGrainFactory grains, HttpContext http) =>
        Subscription(http, customerId, grains) is { } grain
            ? await Command(http, "resume", null, grain.Resume)
            : ApiProblems.InvalidId("customer id", customerId);

    private static async Task<IResult> ChangePlan(string customerId, ChangePlanBody body, IGrainFactory grains, HttpContext http)
    {
        if (Subscription(http, customerId, grains) is not { } grain)
        {
            return ApiProblems.InvalidId("customer id", customerId);
        }

        if (string.IsNullOrWhiteSpace(body.Plan))
        {
            return ApiProblems.InvalidRequest("plan", "A plan id is required.");
        }

        if (body.At is not (null or "now" or "period_end"))
        {
            return ApiProblems.InvalidRequest("at", "Use now (default) or period_end.");
        }

        if (body.At == "period_end")
        {
            return body.Proration is null
                ? await Command(http, "plan", new { body.Plan, body.At }, context => grain.SchedulePlanChange(body.Plan, context))
                : ApiProblems.InvalidRequest("proration", "A change at the period end is not prorated: the next period is billed at the new price.");
        }

        var proration = Proration(body.Proration);
        if (proration is null)
        {
            return ApiProblems.InvalidRequest("proration", "Use create_prorations, always_invoice or none.");
        }

        // Fingerprint what the request means: an omitted proration is the default one.
        return await Command(http, "plan", new { body.Plan, Proration = proration }, context => grain.ChangePlan(body.Plan, proration.Value, context));
    }

    private static async Task<IResult> PreviewPlanChange(string customerId, string? plan, string? proration, IGrainFactory grains, HttpContext http)
    {
        if (Subscription(http, customerId, grains) is not { } grain)
        {
            return ApiProblems.InvalidId("customer id", customerId);
        }

        if (string.IsNullOrWhiteSpace(plan))
        {
            return ApiProblems.InvalidRequest("plan", "A plan id is required.");
        }

        if (Proration(proration) is not { } mode)
        {
            return ApiProblems.InvalidRequest("proration", "Use create_prorations, always_invoice or none.");
        }

        var result = await grain.PreviewPlanChange(plan, mode);
        return result.Error is { } refusal ? ApiProblems.From(refusal) : Results.Ok(result.Value);
    }

    private static ProrationMode? Proration(string? value) => value switch
    {
        null or "create_prorations" => ProrationMode.CreateProrations,
        "always_invoice" => ProrationMode.AlwaysInvoice,
        "none" => ProrationMode.None,
        _ => null,
    };

    private static async Task<IResult> UnschedulePlanChange(string customerId, IGrainFactory grains, HttpContext http) =>
        Subscription(http, customerId, grains) is { } grain
            ? await Command(http, "unschedule-plan", null, grain.UnschedulePlanChange)
            : ApiProblems.InvalidId("customer id", customerId);

    private static async Task<IResult> Command<T>(HttpContext http, string operation, object? body, Func<CommandContext, Task<CommandResult<T>>> send)
        where T : class
    {
        var (context, error) = Idempotency.ContextOf(http.Request, operation, body);
        if (context is null)
        {
            return ApiProblems.InvalidRequest(Idempotency.Header, error!);
        }

        var result = await send(context);
        if (result.Replayed)
        {
            http.Response.Headers[Idempotency.ReplayedHeader] = "true";
        }

        return result.Error is { } refusal ? ApiProblems.From(refusal) : Results.Ok(result.Value);
    }

    private static ISubscriptionGrain? Subscription(HttpContext http, string? customerId, IGrainFactory grains) =>
        BillingIds.IsValid(customerId)
            ? grains.GetGrain<ISubscriptionGrain>(BillingIds.SubscriptionKey(ProductCaller.Of(http).ProductId, customerId))
            : null;

    private static void RequireUrl(Dictionary<string, string[]> errors, string field, string? value)
    {
        if (!TextRules.IsWebUrl(value))
        {
            errors[field] = [$"An absolute http(s) URL with a host, of at most {TextRules.MaxUrlLength} printable characters, is required."];
        }
    }

    private static RouteHandlerBuilder ProducesCommandProblems(this RouteHandlerBuilder route) => route
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status502BadGateway)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
