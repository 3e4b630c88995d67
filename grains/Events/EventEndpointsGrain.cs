using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Events;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Grains.Events;

/// <summary>
/// A product's event endpoints: checked, stored, changed one at a time (the grain is not reentrant), and their delivery
/// grains told when something waits for them. Secrets are made here and leave only in the answer that makes them.
/// </summary>
[GrainType("event-endpoints")]
public sealed partial class EventEndpointsGrain(
    IProductEventStore store,
    IOptions<EventDeliveryOptions> options,
    TimeProvider clock,
    ILogger<EventEndpointsGrain> logger) : Grain, IEventEndpointsGrain
{
    /// <summary>The longest a rotated-out secret keeps signing.</summary>
    public static readonly TimeSpan LongestOverlap = TimeSpan.FromDays(7);

    public const int MaxDescription = 200;

    private const int MaxReplayDays = 31;

    private string ProductId => this.GetPrimaryKeyString().Split('/')[^1];

    public async Task<IReadOnlyList<EventEndpointView>> List()
    {
        var now = clock.GetUtcNow();
        var counts = await store.CountsAsync(ProductId, CancellationToken.None);
        return [.. (await store.EndpointsAsync(ProductId, CancellationToken.None)).Select(e => View(e, counts, now))];
    }

    public async Task<EventEndpointView?> Get(string endpointId)
    {
        var endpoint = await store.EndpointAsync(ProductId, endpointId, CancellationToken.None);
        return endpoint is null ? null : View(endpoint, await store.CountsAsync(ProductId, CancellationToken.None), clock.GetUtcNow());
    }

    public async Task<CommandResult<IssuedEndpointSecret>> Create(EventEndpointRequest request, string actor)
    {
        var types = request.EventTypes ?? ProductEventTypes.All;
        if (Problem(request.Url ?? "", types, request.Description, request.Reason) is { } problem)
        {
            return CommandResult<IssuedEndpointSecret>.Failure(problem);
        }

        var existing = await store.EndpointsAsync(ProductId, CancellationToken.None);
        if (existing.Count >= options.Value.MaxEndpointsPerProduct)
        {
            return CommandResult<IssuedEndpointSecret>.Failure(Invalid($"A product has at most {options.Value.MaxEndpointsPerProduct} endpoints; remove one first."));
        }

        var now = clock.GetUtcNow();
        var secret = NewSecret();
        var enabled = request.Enabled ?? true;
        var endpoint = new EventEndpoint(
            ProductId, "ep_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10)), request.Url!, Distinct(types), request.Description?.Trim() ?? "",
            enabled, [new EndpointSecret(secret, now)], now, actor, now,
            enabled ? null : now, enabled ? null : request.Reason ?? $"Added disabled by {actor}.");
        await store.SaveEndpointAsync(endpoint, CancellationToken.None);
        LogChanged("added", ProductId, endpoint.Id, actor);
        return CommandResult<IssuedEndpointSecret>.Success(new IssuedEndpointSecret(endpoint.View(now, 0, 0), secret));
    }

    public async Task<CommandResult<EventEndpointView>> Update(string endpointId, EventEndpointRequest request, string actor)
    {
        if (await store.EndpointAsync(ProductId, endpointId, CancellationToken.None) is not { } endpoint)
        {
            return CommandResult<EventEndpointView>.Failure(NotFound(endpointId));
        }

        // The stored URL is not checked again: one kept from looser rules can still be disabled or removed.
        if (Problem(request.Url, request.EventTypes ?? endpoint.EventTypes, request.Description, request.Reason) is { } problem)
        {
            return CommandResult<EventEndpointView>.Failure(problem);
        }

        var now = clock.GetUtcNow();
        var enabled = request.Enabled ?? endpoint.Enabled;
        var changed = endpoint with
        {
            Url = request.Url ?? endpoint.Url,
            EventTypes = request.EventTypes is { } types ? Distinct(types) : endpoint.EventTypes,
            Description = request.Description?.Trim() ?? endpoint.Description,
            Enabled = enabled,
            DisabledAt = enabled ? null : endpoint.DisabledAt ?? now,
            DisabledReason = enabled ? null : request.Reason ?? (endpoint.Enabled ? $"Disabled by {actor}." : endpoint.DisabledReason),
            UpdatedAt = now,
        };
        await store.SaveEndpointAsync(changed, CancellationToken.None);
        LogChanged(enabled && !endpoint.Enabled ? "enabled" : !enabled && endpoint.Enabled ? "disabled" : "changed", ProductId, endpointId, actor);
        await Delivery(endpointId).EndpointChanged();

        return CommandResult<EventEndpointView>.Success(View(changed, await store.CountsAsync(ProductId, CancellationToken.None), now));
    }

    public async Task<bool> Delete(string endpointId, string actor)
    {
        var deleted = await store.DeleteEndpointAsync(ProductId, endpointId, CancellationToken.None);
        if (deleted)
        {
            LogChanged("removed", ProductId, endpointId, actor);

            // Its delivery grain finds no endpoint, and removes its wake-up.
            await Delivery(endpointId).EndpointChanged();
        }

        return deleted;
    }

    public async Task<CommandResult<IssuedEndpointSecret>> RotateSecret(string endpointId, TimeSpan overlap, string actor)
    {
        if (overlap < TimeSpan.Zero || overlap > LongestOverlap)
        {
            return CommandResult<IssuedEndpointSecret>.Failure(Invalid($"The overlap is between PT0S and P{LongestOverlap.TotalDays:0}D."));
        }

        if (await store.EndpointAsync(ProductId, endpointId, CancellationToken.None) is not { } endpoint)
        {
            return CommandResult<IssuedEndpointSecret>.Failure(NotFound(endpointId));
        }

        var now = clock.GetUtcNow();
        var until = now + overlap;
        var secret = NewSecret();
        var rotated = endpoint with
        {
            // Secrets still signing keep signing until the new window ends at the latest; those whose window is over are dropped.
            Secrets = [.. endpoint.Secrets.Select(s => s with { ExpiresAt = s.ExpiresAt is { } at && at < until ? at : until }).Where(s => s.ExpiresAt > now), new EndpointSecret(secret, now)],
            UpdatedAt = now,
        };
        await store.SaveEndpointAsync(rotated, CancellationToken.None);
        LogChanged("secret rotated", ProductId, endpointId, actor);
        await Delivery(endpointId).EndpointChanged();
        return CommandResult<IssuedEndpointSecret>.Success(new IssuedEndpointSecret(View(rotated, await store.CountsAsync(ProductId, CancellationToken.None), now), secret));
    }

    public async Task<CommandResult<IReadOnlyList<EventDeliveryView>>> Deliveries(string endpointId, DeliveryQuery query)
    {
        if (query.Limit is < 1 or > 200 || (query.CustomerId is { } customer && !BillingIds.IsValid(customer)))
        {
            return CommandResult<IReadOnlyList<EventDeliveryView>>.Failure(Invalid($"The limit is 1 to 200, and a customer id {BillingIds.Rule}."));
        }

        return await store.EndpointAsync(ProductId, endpointId, CancellationToken.None) is null
            ? CommandResult<IReadOnlyList<EventDeliveryView>>.Failure(NotFound(endpointId))
            : CommandResult<IReadOnlyList<EventDeliveryView>>.Success(await store.DeliveriesAsync(ProductId, endpointId, query, CancellationToken.None));
    }

    public async Task<CommandResult<IReadOnlyList<DeliveryAttemptView>>> Attempts(string endpointId, string eventId) =>
        await store.EndpointAsync(ProductId, endpointId, CancellationToken.None) is null
            ? CommandResult<IReadOnlyList<DeliveryAttemptView>>.Failure(NotFound(endpointId))
            : CommandResult<IReadOnlyList<DeliveryAttemptView>>.Success(await store.AttemptsAsync(ProductId, endpointId, eventId, CancellationToken.None));

    public async Task<CommandResult<ReplayResult>> Replay(string endpointId, ReplayRequest request, string actor)
    {
        var byId = request.EventId is not null;
        if (byId == (request.From is not null || request.To is not null)
            || (!byId && (request.From is not { } from || request.To is not { } to || from >= to || to - from > TimeSpan.FromDays(MaxReplayDays))))
        {
            return CommandResult<ReplayResult>.Failure(Invalid($"Either an eventId, or a from and a to (from before to, at most {MaxReplayDays} days apart)."));
        }

        if (await store.EndpointAsync(ProductId, endpointId, CancellationToken.None) is not { } endpoint)
        {
            return CommandResult<ReplayResult>.Failure(NotFound(endpointId));
        }

        var queued = await store.ReplayAsync(endpoint, request, clock.GetUtcNow(), CancellationToken.None);
        if (queued is null)
        {
            return CommandResult<ReplayResult>.Failure(new CommandError(CommandErrorCode.EventNotFound, $"The product has no event '{request.EventId}'.", SubscriptionState.None));
        }

        LogReplayed(queued.Value, ProductId, endpointId, actor);
        await Delivery(endpointId).EndpointChanged();
        return CommandResult<ReplayResult>.Success(new ReplayResult(queued.Value));
    }

    private CommandError? Problem(string? url, IReadOnlyList<string> types, string? description, string? reason)
    {
        if (url is not null && EndpointAddress.Problem(url, options.Value) is { } problem)
        {
            return Invalid($"url: {problem}");
        }

        if (reason is { Length: > 500 } || reason?.Any(char.IsControl) == true)
        {
            return Invalid("reason: at most 500 characters, no control characters.");
        }

        if (types.Count == 0 || types.Any(t => !ProductEventTypes.IsKnown(t)))
        {
            return Invalid($"eventTypes: one or more of {string.Join(", ", ProductEventTypes.All)}.");
        }

        return description is { Length: > MaxDescription } || description?.Any(char.IsControl) == true
            ? Invalid($"description: at most {MaxDescription} characters, no control characters.")
            : null;
    }

    private static IReadOnlyList<string> Distinct(IReadOnlyList<string> types) => [.. ProductEventTypes.All.Where(t => types.Contains(t, StringComparer.Ordinal))];

    private static EventEndpointView View(EventEndpoint endpoint, IReadOnlyDictionary<string, (int Pending, int Failed)> counts, DateTimeOffset now)
    {
        var (pending, failed) = counts.GetValueOrDefault(endpoint.Id);
        return endpoint.View(now, pending, failed);
    }

    /// <summary><c>whsec_</c> and 32 random bytes in base64, the Standard Webhooks form of a symmetric secret.</summary>
    private static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private IEventDeliveryGrain Delivery(string endpointId) => GrainFactory.GetGrain<IEventDeliveryGrain>(EventKeys.Delivery(ProductId, endpointId));

    private static CommandError Invalid(string message) => new(CommandErrorCode.InvalidRequest, message, SubscriptionState.None);

    private static CommandError NotFound(string endpointId) => new(CommandErrorCode.EndpointNotFound, $"The product has no event endpoint '{endpointId}'.", SubscriptionState.None);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event endpoint {Product}/{Endpoint} {Change} by {Actor}")]
    private partial void LogChanged(string change, string product, string endpoint, string actor);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} events of {Product} queued again for endpoint {Endpoint} by {Actor}")]
    private partial void LogReplayed(int count, string product, string endpoint, string actor);
}
