using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using OrleansBilling.Gateway.Admin;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Events;
using OrleansBilling.GrainInterfaces.Staff;
using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Gateway.SupportConsole.Pages;

/// <summary>
/// Events to products (admins): each product's endpoints, those the service disabled after a whole retry window of failures
/// shown first and marked; add one (its secret shown on that answer only), disable or enable, rotate the secret with an
/// overlap, remove; an endpoint's delivery log with each event's attempts, and a replay of one event or a time range.
/// Every change is in the audit trail, attempted and then done or refused, with the reason given.
/// </summary>
[RequestSizeLimit(16 * 1024)]
[RequestFormLimits(ValueLengthLimit = 4096, ValueCountLimit = 24)]
public sealed class EventsModel(IGrainFactory grains, TimeProvider clock) : ConsolePage(grains, clock)
{
    public IReadOnlyList<string> ProductIds { get; private set; } = [];

    public string? ProductId { get; private set; }

    public IReadOnlyList<EventEndpointView> Endpoints { get; private set; } = [];

    /// <summary>The endpoint whose log is shown.</summary>
    public EventEndpointView? Endpoint { get; private set; }

    public IReadOnlyList<EventDeliveryView> Deliveries { get; private set; } = [];

    public DeliveryStatus? Status { get; private set; }

    /// <summary>The event whose attempts are shown.</summary>
    public string? EventId { get; private set; }

    public IReadOnlyList<DeliveryAttemptView> Attempts { get; private set; } = [];

    /// <summary>A secret just made: shown on this answer only.</summary>
    public IssuedEndpointSecret? NewSecret { get; private set; }

    [TempData]
    public string? Outcome { get; set; }

    public string? FormProblem { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? product, string? endpoint, DeliveryStatus? status, string? eventId) =>
        !May(StaffRole.Admin) ? await ForbiddenAsync("view-event-endpoints", StaffRole.Admin, product, null)
        : await LoadAsync(product, endpoint, status, eventId) ?? Page();

    public async Task<IActionResult> OnPostAddAsync(string? product, string? url, string[]? types, string? description, string? reason)
    {
        if (await ActionAsync("create-event-endpoint", product, reason) is { } refused)
        {
            return refused;
        }

        var created = await StaffAudit.AttemptAsync(
            Grains, Clock, Caller, "create-event-endpoint", product, reason!.Trim(), $"url={url}",
            () => EndpointsOf(product!).Create(new EventEndpointRequest(url, types is { Length: > 0 } ? types : null, description, true), StaffPeople.Actor(Caller.Person)),
            r => r.Value is { } issued ? (true, $"endpoint {issued.Endpoint.Id}") : (false, r.Error!.Message));
        if (created.Error is { } error)
        {
            return await RefuseAsync(product, error.Message);
        }

        NewSecret = created.Value;
        return await LoadAsync(product, created.Value!.Endpoint.Id, null, null) ?? Page();
    }

    public async Task<IActionResult> OnPostToggleAsync(string? product, string? endpointId, bool enable, string? reason)
    {
        var action = enable ? "enable-event-endpoint" : "disable-event-endpoint";
        if (await ActionAsync(action, product, reason) is { } refused)
        {
            return refused;
        }

        var changed = await StaffAudit.AttemptAsync(
            Grains, Clock, Caller, action, product, reason!.Trim(), $"endpointId={endpointId}",
            () => EndpointsOf(product!).Update(endpointId ?? "", new EventEndpointRequest(null, null, null, enable, enable ? null : $"{reason.Trim()} ({Caller.Person})"), StaffPeople.Actor(Caller.Person)),
            r => r.Succeeded ? (true, enable ? "enabled" : "disabled") : (false, r.Error!.Message));
        return changed.Error is { } error ? await RefuseAsync(product, error.Message) : Done(product, endpointId, $"{endpointId} is {(enable ? "enabled: what waits for it is sent now" : "disabled: no events are sent to it")}.");
    }

    public async Task<IActionResult> OnPostRotateAsync(string? product, string? endpointId, int? overlapHours, string? reason)
    {
        if (await ActionAsync("rotate-event-endpoint-secret", product, reason) is { } refused)
        {
            return refused;
        }

        if (overlapHours is not (>= 0 and <= 168))
        {
            return await RefuseAsync(product, "The previous secret signs on for 0 to 168 hours.");
        }

        var rotated = await StaffAudit.AttemptAsync(
            Grains, Clock, Caller, "rotate-event-endpoint-secret", product, reason!.Trim(), $"endpointId={endpointId}, overlap={overlapHours}h",
            () => EndpointsOf(product!).RotateSecret(endpointId ?? "", TimeSpan.FromHours(overlapHours.Value), StaffPeople.Actor(Caller.Person)),
            r => r.Succeeded ? (true, "new secret") : (false, r.Error!.Message));
        if (rotated.Error is { } error)
        {
            return await RefuseAsync(product, error.Message);
        }

        NewSecret = rotated.Value;
        return await LoadAsync(product, endpointId, null, null) ?? Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(string? product, string? endpointId, bool understood, string? reason)
    {
        if (await ActionAsync("delete-event-endpoint", product, reason) is { } refused)
        {
            return refused;
        }

        if (!understood)
        {
            return await RefuseAsync(product, "Tick that its deliveries and their log go with it.");
        }

        var deleted = await StaffAudit.AttemptAsync(
            Grains, Clock, Caller, "delete-event-endpoint", product, reason!.Trim(), $"endpointId={endpointId}",
            () => EndpointsOf(product!).Delete(endpointId ?? "", StaffPeople.Actor(Caller.Person)), done => (done, done ? "removed" : "no such endpoint"));
        return deleted ? Done(product, null, $"{endpointId} is removed.") : await RefuseAsync(product, $"No endpoint {endpointId}.");
    }

    public async Task<IActionResult> OnPostReplayAsync(string? product, string? endpointId, string? eventId, string? from, string? to, string? reason)
    {
        if (await ActionAsync("replay-events", product, reason) is { } refused)
        {
            return refused;
        }

        DateTimeOffset? start = null, end = null;
        if (eventId is null && !(TryTime(from, out start) && TryTime(to, out end)))
        {
            return await RefuseAsync(product, "Give an event, or a time range (from and to, UTC).");
        }

        var replayed = await StaffAudit.AttemptAsync(
            Grains, Clock, Caller, "replay-events", product, reason!.Trim(), eventId is null ? $"endpointId={endpointId}, from={from}, to={to}" : $"endpointId={endpointId}, eventId={eventId}",
            () => EndpointsOf(product!).Replay(endpointId ?? "", new ReplayRequest(eventId, start, end), StaffPeople.Actor(Caller.Person)),
            r => r.Value is { } v ? (true, $"{v.Queued} queued") : (false, r.Error!.Message));
        return replayed.Error is { } error ? await RefuseAsync(product, error.Message) : Done(product, endpointId, $"{replayed.Value!.Queued} events queued for {endpointId} again.");
    }

    private static bool TryTime(string? text, out DateTimeOffset? at)
    {
        var ok = DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed);
        at = ok ? new DateTimeOffset(parsed, TimeSpan.Zero) : null;
        return ok;
    }

    private RedirectToPageResult Done(string? product, string? endpointId, string outcome)
    {
        Outcome = outcome;
        return RedirectToPage(new { product, endpoint = endpointId });
    }

    /// <summary>A change needs an admin, a known product and a reason.</summary>
    private Task<IActionResult?> ActionAsync(string action, string? product, string? reason) => RefusedChangeAsync(action, product, reason, RefuseAsync);

    private async Task<IActionResult> RefuseAsync(string? product, string problem)
    {
        FormProblem = problem;
        return await LoadAsync(BillingIds.IsValid(product) ? product : null, null, null, null) ?? Page();
    }

    private IEventEndpointsGrain EndpointsOf(string product) => Grains.GetGrain<IEventEndpointsGrain>(EventKeys.Endpoints(product));

    private async Task<IActionResult?> LoadAsync(string? product, string? endpoint, DeliveryStatus? status, string? eventId)
    {
        ProductIds = await KnownProductsAsync();
        if (product is null)
        {
            return null;
        }

        if (await DefinitionOfAsync(product) is null)
        {
            return UnknownProduct(product);
        }

        ProductId = product;

        // Those the service gave up on first: they need someone.
        Endpoints = [.. (await EndpointsOf(product).List()).OrderBy(e => e.Enabled).ThenBy(e => e.CreatedAt)];
        Endpoint = Endpoints.FirstOrDefault(e => e.Id == endpoint);
        if (Endpoint is not null)
        {
            Status = status;
            Deliveries = (await EndpointsOf(product).Deliveries(Endpoint.Id, new DeliveryQuery(status, Limit: 100))).Value ?? [];
            if (eventId is { Length: > 0 and <= 64 })
            {
                EventId = eventId;
                Attempts = (await EndpointsOf(product).Attempts(Endpoint.Id, eventId)).Value ?? [];
            }
        }

        return null;
    }
}
