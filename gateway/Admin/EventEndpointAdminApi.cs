using System.Xml;
using OrleansBilling.Gateway.Problems;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Events;
using OrleansBilling.GrainInterfaces.Staff;
using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Gateway.Admin;

/// <summary>
/// A product's event endpoints (admins only): add one (its signing secret is shown in that answer only), change, disable or
/// enable it, rotate its secret with an overlap, remove it; read its delivery log and replay one event or a time range.
/// </summary>
public static class EventEndpointAdminApi
{
    /// <summary>How long a rotated-out secret keeps signing when the request does not say.</summary>
    public static readonly TimeSpan DefaultOverlap = TimeSpan.FromHours(24);

    public static void MapEventEndpointAdmin(this RouteGroupBuilder admin)
    {
        var endpoints = admin.MapGroup("/products/{productId}/event-endpoints").RequiresStaff(StaffRole.Admin);
        endpoints.MapGet("", List)
            .WithName("ListEventEndpoints")
            .WithSummary("A product's event endpoints, with what waits for each and what was given up (never their secrets)")
            .Produces<IReadOnlyList<EventEndpointView>>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.MapPost("", Create)
            .WithName("CreateEventEndpoint")
            .WithSummary("Add an endpoint that receives the product's events, signed as Standard Webhooks; the answer is the only time its secret is shown")
            .Produces<IssuedEndpointSecret>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.MapGet("/{endpointId}", Get)
            .WithName("GetEventEndpoint")
            .WithSummary("One event endpoint")
            .Produces<EventEndpointView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.MapPatch("/{endpointId}", Update)
            .WithName("UpdateEventEndpoint")
            .WithSummary("Change an endpoint's URL, event types or description, or disable or enable it (what waits for it is sent once enabled)")
            .Produces<EventEndpointView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.MapDelete("/{endpointId}", Delete)
            .WithName("DeleteEventEndpoint")
            .WithSummary("Remove an endpoint with its deliveries and log")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.MapPost("/{endpointId}/rotate-secret", Rotate)
            .WithName("RotateEventEndpointSecret")
            .WithSummary("Make a new signing secret; the previous one signs beside it for the overlap (ISO 8601, default PT24H, at most P7D)")
            .Produces<IssuedEndpointSecret>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.MapGet("/{endpointId}/deliveries", Deliveries)
            .WithName("ListEventDeliveries")
            .WithSummary("An endpoint's delivery log, newest event first: status, attempts, the last answer and latency, the next try")
            .Produces<IReadOnlyList<EventDeliveryView>>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.MapGet("/{endpointId}/deliveries/{eventId}/attempts", Attempts)
            .WithName("ListEventDeliveryAttempts")
            .WithSummary("Every attempt to deliver one event to an endpoint")
            .Produces<IReadOnlyList<DeliveryAttemptView>>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.MapPost("/{endpointId}/replay", Replay)
            .WithName("ReplayEvents")
            .WithSummary("Send one event, or every event of the endpoint's types in a time range (at most 31 days), again; each keeps its id")
            .Produces<ReplayResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> List(string productId, IGrainFactory grains) =>
        await Product(grains, productId) is { } problem ? problem : Results.Ok(await Endpoints(grains, productId).List());

    private static async Task<IResult> Get(string productId, string endpointId, IGrainFactory grains) =>
        await Product(grains, productId) is { } problem ? problem
        : await Endpoints(grains, productId).Get(endpointId) is { } endpoint ? Results.Ok(endpoint) : NoSuchEndpoint(endpointId);

    private static async Task<IResult> Create(string productId, EventEndpointBody body, IGrainFactory grains, HttpContext http)
    {
        if (await Product(grains, productId) is { } problem)
        {
            return problem;
        }

        var created = await Endpoints(grains, productId).Create(body.Request(), AdminApi.ActorOf(http));
        return created.Value is { } issued
            ? Results.Created($"/admin/v1/products/{productId}/event-endpoints/{issued.Endpoint.Id}", issued)
            : Refused(created.Error!);
    }

    private static async Task<IResult> Update(string productId, string endpointId, EventEndpointBody body, IGrainFactory grains, HttpContext http) =>
        await Product(grains, productId) is { } problem ? problem
        : Answer(await Endpoints(grains, productId).Update(endpointId, body.Request(), AdminApi.ActorOf(http)));

    private static async Task<IResult> Delete(string productId, string endpointId, IGrainFactory grains, HttpContext http) =>
        await Product(grains, productId) is { } problem ? problem
        : await Endpoints(grains, productId).Delete(endpointId, AdminApi.ActorOf(http)) ? Results.NoContent() : NoSuchEndpoint(endpointId);

    private static async Task<IResult> Rotate(string productId, string endpointId, string? overlap, IGrainFactory grains, HttpContext http)
    {
        TimeSpan window;
        try
        {
            window = overlap is null ? DefaultOverlap : XmlConvert.ToTimeSpan(overlap);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            return ApiProblems.InvalidRequest("overlap", "An ISO 8601 duration such as PT24H.");
        }

        return await Product(grains, productId) is { } problem ? problem
            : Answer(await Endpoints(grains, productId).RotateSecret(endpointId, window, AdminApi.ActorOf(http)));
    }

    private static async Task<IResult> Deliveries(string productId, string endpointId, DeliveryStatus? status, string? customerId, string? before, int? limit, IGrainFactory grains) =>
        await Product(grains, productId) is { } problem ? problem
        : Answer(await Endpoints(grains, productId).Deliveries(endpointId, new DeliveryQuery(status, customerId, before, limit ?? 50)));

    private static async Task<IResult> Attempts(string productId, string endpointId, string eventId, IGrainFactory grains) =>
        await Product(grains, productId) is { } problem ? problem
        : Answer(await Endpoints(grains, productId).Attempts(endpointId, eventId));

    private static async Task<IResult> Replay(string productId, string endpointId, ReplayBody body, IGrainFactory grains, HttpContext http) =>
        await Product(grains, productId) is { } problem ? problem
        : Answer(await Endpoints(grains, productId).Replay(endpointId, new ReplayRequest(body.EventId, body.From, body.To), AdminApi.ActorOf(http)));

    private static IEventEndpointsGrain Endpoints(IGrainFactory grains, string productId) => grains.GetGrain<IEventEndpointsGrain>(EventKeys.Endpoints(productId));

    /// <summary>Null for a known product; else the problem to answer.</summary>
    private static async Task<IResult?> Product(IGrainFactory grains, string productId) => (await AdminApi.ConfiguredProductAsync(grains, productId)).Problem;

    private static IResult Answer<T>(CommandResult<T> result) where T : class => result.Value is { } value ? Results.Ok(value) : Refused(result.Error!);

    /// <summary>A refusal; one of a field (<c>url: …</c>) names it, as every 400 of the API does.</summary>
    private static IResult Refused(CommandError error) =>
        error.Code == CommandErrorCode.InvalidRequest && error.Message.IndexOf(": ", StringComparison.Ordinal) is > 0 and var colon && !error.Message[..colon].Contains(' ')
            ? ApiProblems.InvalidRequest(error.Message[..colon], error.Message[(colon + 2)..])
            : ApiProblems.From(error);

    private static IResult NoSuchEndpoint(string endpointId) =>
        Results.Problem(type: ProblemTypes.NotFound, statusCode: StatusCodes.Status404NotFound, title: "No such event endpoint", detail: $"The product has no event endpoint '{endpointId}'.");
}

/// <summary>Body of a replay: an event's id, or a time range [from, to) of at most 31 days.</summary>
/// <param name="EventId">The one event to send again.</param>
/// <param name="From">The start of the range (inclusive).</param>
/// <param name="To">The end of the range (exclusive).</param>
public sealed record ReplayBody(string? EventId = null, DateTimeOffset? From = null, DateTimeOffset? To = null);

/// <summary>Body of adding or changing an event endpoint; on a change, what is left out stays as it is.</summary>
/// <param name="Url">Where events are posted: HTTPS on a public host.</param>
/// <param name="EventTypes">The types it receives (every type when left out on adding).</param>
/// <param name="Description">What it is, for people (at most 200 characters).</param>
/// <param name="Enabled">Whether events are sent to it.</param>
/// <param name="Reason">Why it is disabled, when disabling.</param>
public sealed record EventEndpointBody(string? Url = null, IReadOnlyList<string>? EventTypes = null, string? Description = null, bool? Enabled = null, string? Reason = null)
{
    public EventEndpointRequest Request() => new(Url, EventTypes, Description, Enabled, Reason);
}
