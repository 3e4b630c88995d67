using OrleansBilling.GrainInterfaces.Events;
using OrleansBilling.Grains.Events;

namespace OrleansBilling.Silo.Events;

/// <summary>The outbox of events to products in this process's memory: the local default's, and the grain tests'.</summary>
public sealed class InMemoryProductEventStore : IProductEventStore
{
    private readonly Lock sync = new();
    private readonly List<ProductEvent> events = [];
    private readonly Dictionary<string, long> seqOf = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Product, string Endpoint), EventEndpoint> endpoints = [];
    private readonly Dictionary<(string Product, string Endpoint, long Seq), Delivery> deliveries = [];
    private readonly List<(string Product, string Endpoint, long Seq, DeliveryAttemptView Attempt)> attempts = [];

    /// <summary>Every event stored, in order.</summary>
    public IReadOnlyList<ProductEvent> Events
    {
        get
        {
            lock (sync)
            {
                return [.. events];
            }
        }
    }

    public Task<IReadOnlyList<string>> AppendAsync(IReadOnlyList<ProductEvent> added, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (sync)
        {
            var nudged = new HashSet<string>(StringComparer.Ordinal);
            foreach (var e in added.Where(e => !seqOf.ContainsKey(e.Id)))
            {
                events.Add(e);
                var seq = events.Count;
                seqOf[e.Id] = seq;
                foreach (var endpoint in endpoints.Values.Where(x => x.ProductId == e.ProductId && x.Enabled && x.Wants(e.Type)))
                {
                    deliveries[(e.ProductId, endpoint.Id, seq)] = new Delivery(seq, now, now);
                    nudged.Add(endpoint.Id);
                }
            }

            return Task.FromResult<IReadOnlyList<string>>([.. nudged]);
        }
    }

    public Task<IReadOnlyList<EventEndpoint>> EndpointsAsync(string productId, CancellationToken cancellationToken)
    {
        lock (sync)
        {
            return Task.FromResult<IReadOnlyList<EventEndpoint>>([.. endpoints.Values.Where(e => e.ProductId == productId).OrderBy(e => e.CreatedAt).ThenBy(e => e.Id, StringComparer.Ordinal)]);
        }
    }

    public Task<EventEndpoint?> EndpointAsync(string productId, string endpointId, CancellationToken cancellationToken)
    {
        lock (sync)
        {
            return Task.FromResult(endpoints.GetValueOrDefault((productId, endpointId)));
        }
    }

    public Task SaveEndpointAsync(EventEndpoint endpoint, CancellationToken cancellationToken)
    {
        lock (sync)
        {
            // The last delivery is the store's to keep: a save from an earlier read must not move it back.
            var stored = endpoints.GetValueOrDefault((endpoint.ProductId, endpoint.Id));
            endpoints[(endpoint.ProductId, endpoint.Id)] = endpoint with { LastDeliveredAt = stored?.LastDeliveredAt ?? endpoint.LastDeliveredAt };
            return Task.CompletedTask;
        }
    }

    public Task<bool> DisableAsync(string productId, string endpointId, DateTimeOffset at, string reason, CancellationToken cancellationToken)
    {
        lock (sync)
        {
            if (endpoints.GetValueOrDefault((productId, endpointId)) is not { Enabled: true } endpoint)
            {
                return Task.FromResult(false);
            }

            endpoints[(productId, endpointId)] = endpoint with { Enabled = false, DisabledAt = at, DisabledReason = reason, UpdatedAt = at };
            return Task.FromResult(true);
        }
    }

    public Task<bool> DeleteEndpointAsync(string productId, string endpointId, CancellationToken cancellationToken)
    {
        lock (sync)
        {
            foreach (var key in deliveries.Keys.Where(k => k.Product == productId && k.Endpoint == endpointId).ToList())
            {
                deliveries.Remove(key);
            }

            attempts.RemoveAll(a => a.Product == productId && a.Endpoint == endpointId);
            return Task.FromResult(endpoints.Remove((productId, endpointId)));
        }
    }

    public Task<IReadOnlyDictionary<string, (int Pending, int Failed)>> CountsAsync(string productId, CancellationToken cancellationToken)
    {
        lock (sync)
        {
            IReadOnlyDictionary<string, (int, int)> counts = deliveries.Where(d => d.Key.Product == productId)
                .GroupBy(d => d.Key.Endpoint)
                .ToDictionary(g => g.Key, g => (g.Count(d => d.Value.Status == DeliveryStatus.Pending), g.Count(d => d.Value.Status == DeliveryStatus.Failed)));
            return Task.FromResult(counts);
        }
    }

    public Task<IReadOnlyList<PendingDelivery>> DueAsync(string productId, string endpointId, DateTimeOffset now, int limit, CancellationToken cancellationToken, int perCustomer = 1)
    {
        lock (sync)
        {
            IReadOnlyList<PendingDelivery> due = [.. deliveries
                .Where(d => d.Key.Product == productId && d.Key.Endpoint == endpointId && d.Value.Status == DeliveryStatus.Pending)
                .Select(d => (Delivery: d.Value, Event: events[(int)d.Value.Seq - 1]))
                .GroupBy(d => d.Event.CustomerId, StringComparer.Ordinal)
                .SelectMany(g => g.OrderBy(d => d.Delivery.Seq).TakeWhile(d => d.Delivery.NextAttemptAt <= now).Take(perCustomer))
                .OrderBy(d => d.Delivery.Seq)
                .Take(limit)
                .Select(d => new PendingDelivery(d.Delivery.Seq, d.Event.Id, d.Event.CustomerId, d.Event.Payload, d.Delivery.Attempts, d.Delivery.WindowStart))];
            return Task.FromResult(due);
        }
    }

    public Task<DateTimeOffset?> NextDueAsync(string productId, string endpointId, CancellationToken cancellationToken)
    {
        lock (sync)
        {
            var heads = Heads(productId, endpointId).ToList();
            return Task.FromResult(heads.Count == 0 ? null : (DateTimeOffset?)heads.Min(h => h.Delivery.NextAttemptAt));
        }
    }

    public Task<IReadOnlyList<(string ProductId, string EndpointId)>> DueEndpointsAsync(DateTimeOffset dueBy, CancellationToken cancellationToken)
    {
        lock (sync)
        {
            IReadOnlyList<(string, string)> due = [.. endpoints.Values
                .Where(e => e.Enabled && Heads(e.ProductId, e.Id).Any(h => h.Delivery.NextAttemptAt <= dueBy))
                .Select(e => (e.ProductId, e.Id))];
            return Task.FromResult(due);
        }
    }

    /// <summary>The oldest pending delivery of each customer of the endpoint.</summary>
    private IEnumerable<(Delivery Delivery, ProductEvent Event)> Heads(string productId, string endpointId) =>
        deliveries.Where(d => d.Key.Product == productId && d.Key.Endpoint == endpointId && d.Value.Status == DeliveryStatus.Pending)
            .Select(d => (Delivery: d.Value, Event: events[(int)d.Value.Seq - 1]))
            .GroupBy(d => d.Event.CustomerId, StringComparer.Ordinal)
            .Select(g => g.MinBy(d => d.Delivery.Seq));

    public Task RecordAsync(string productId, string endpointId, IReadOnlyList<DeliveryOutcome> outcomes, CancellationToken cancellationToken)
    {
        lock (sync)
        {
            foreach (var o in outcomes)
            {
                if (!deliveries.TryGetValue((productId, endpointId, o.Seq), out var d))
                {
                    continue;
                }

                if (!attempts.Any(a => a.Product == productId && a.Endpoint == endpointId && a.Seq == o.Seq && a.Attempt.Attempt == o.Attempt))
                {
                    attempts.Add((productId, endpointId, o.Seq, new DeliveryAttemptView(events[(int)o.Seq - 1].Id, o.Attempt, o.At, o.StatusCode, o.LatencyMs, o.Delivered, o.Error)));
                }

                if (d.WindowStart != o.SeenWindowStart)
                {
                    // Replayed while the attempt was under way: the replay stands.
                    continue;
                }

                d.WindowStart = o.WindowStart;

                d.Attempts = Math.Max(d.Attempts, o.Attempt);
                d.LastAttemptAt = o.At;
                d.LastStatusCode = o.StatusCode;
                d.LastLatencyMs = o.LatencyMs;
                d.LastError = o.Error;
                d.Status = o.Delivered ? DeliveryStatus.Delivered : o.NextAttemptAt is null ? DeliveryStatus.Failed : DeliveryStatus.Pending;
                d.NextAttemptAt = o.NextAttemptAt ?? d.NextAttemptAt;
                d.DeliveredAt = o.Delivered ? o.At : d.DeliveredAt;
                if (o.Delivered && endpoints.TryGetValue((productId, endpointId), out var endpoint) && !(endpoint.LastDeliveredAt >= o.At))
                {
                    endpoints[(productId, endpointId)] = endpoint with { LastDeliveredAt = o.At };
                }
            }

            return Task.CompletedTask;
        }
    }

    public Task<IReadOnlyList<EventDeliveryView>> DeliveriesAsync(string productId, string endpointId, DeliveryQuery query, CancellationToken cancellationToken)
    {
        lock (sync)
        {
            // An unknown cursor pages nothing, as in PostgreSQL.
            var before = query.Before is not { } id ? long.MaxValue : seqOf.TryGetValue(id, out var s) ? s : 0;
            IReadOnlyList<EventDeliveryView> views = [.. deliveries
                .Where(d => d.Key.Product == productId && d.Key.Endpoint == endpointId && d.Key.Seq < before)
                .Select(d => (d.Value, Event: events[(int)d.Key.Seq - 1]))
                .Where(d => (query.Status is null || d.Value.Status == query.Status) && (query.CustomerId is null || d.Event.CustomerId == query.CustomerId))
                .OrderByDescending(d => d.Value.Seq)
                .Take(query.Limit)
                .Select(d => new EventDeliveryView(
                    d.Event.Id, d.Event.Type, d.Event.CustomerId, d.Event.Version, d.Event.OccurredAt, d.Value.Status, d.Value.Attempts,
                    d.Value.Status == DeliveryStatus.Pending ? d.Value.NextAttemptAt : null, d.Value.LastAttemptAt, d.Value.LastStatusCode,
                    d.Value.LastLatencyMs, d.Value.LastError, d.Value.DeliveredAt))];
            return Task.FromResult(views);
        }
    }

    public Task<IReadOnlyList<DeliveryAttemptView>> AttemptsAsync(string productId, string endpointId, string eventId, CancellationToken cancellationToken)
    {
        lock (sync)
        {
            IReadOnlyList<DeliveryAttemptView> log = [.. attempts
                .Where(a => a.Product == productId && a.Endpoint == endpointId && a.Attempt.EventId == eventId)
                .Select(a => a.Attempt)
                .OrderBy(a => a.Attempt)];
            return Task.FromResult(log);
        }
    }

    public Task<int?> ReplayAsync(EventEndpoint endpoint, ReplayRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (sync)
        {
            List<ProductEvent> chosen;
            if (request.EventId is { } id)
            {
                if (!seqOf.TryGetValue(id, out var seq) || events[(int)seq - 1].ProductId != endpoint.ProductId)
                {
                    return Task.FromResult<int?>(null);
                }

                chosen = [events[(int)seq - 1]];
            }
            else
            {
                chosen = [.. events.Where(e => e.ProductId == endpoint.ProductId && endpoint.Wants(e.Type) && e.OccurredAt >= request.From && e.OccurredAt < request.To)];
            }

            foreach (var e in chosen)
            {
                var seq = seqOf[e.Id];
                var key = (endpoint.ProductId, endpoint.Id, seq);
                var replayed = new Delivery(seq, now, now);
                if (deliveries.TryGetValue(key, out var earlier))
                {
                    // As in PostgreSQL: the attempts and the last answer stay; it is pending in a new window.
                    (replayed.Attempts, replayed.LastAttemptAt, replayed.LastStatusCode, replayed.LastLatencyMs, replayed.LastError) =
                        (earlier.Attempts, earlier.LastAttemptAt, earlier.LastStatusCode, earlier.LastLatencyMs, earlier.LastError);
                }

                deliveries[key] = replayed;
            }

            return Task.FromResult<int?>(chosen.Count);
        }
    }

    private sealed class Delivery(long seq, DateTimeOffset windowStart, DateTimeOffset nextAttemptAt)
    {
        public long Seq { get; } = seq;

        public DateTimeOffset WindowStart { get; set; } = windowStart;

        public DeliveryStatus Status { get; set; } = DeliveryStatus.Pending;

        public int Attempts { get; set; }

        public DateTimeOffset NextAttemptAt { get; set; } = nextAttemptAt;

        public DateTimeOffset? LastAttemptAt { get; set; }

        public int? LastStatusCode { get; set; }

        public int? LastLatencyMs { get; set; }

        public string? LastError { get; set; }

        public DateTimeOffset? DeliveredAt { get; set; }
    }
}
