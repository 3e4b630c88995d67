using System.Globalization;
using System.Text.Json.Nodes;
using OrleansBilling.Sandbox.Api;

namespace OrleansBilling.Sandbox;

/// <summary>The log of Stripe API calls the sandbox received, so tests can check what Stripe.net sent.</summary>
public sealed class SandboxRequests
{
    private const int Kept = 10_000;

    private readonly Lock gate = new();

    /// <summary>The last <see cref="Kept"/> calls, oldest first; the oldest leaves in constant time.</summary>
    private readonly Queue<SandboxRequest> entries = new();

    /// <summary>Every logged call, oldest first.</summary>
    public IReadOnlyList<SandboxRequest> All
    {
        get
        {
            lock (gate)
            {
                return [.. entries];
            }
        }
    }

    /// <summary>The calls to one method and path, oldest first.</summary>
    public IReadOnlyList<SandboxRequest> To(string method, string path) =>
        [.. All.Where(r => string.Equals(r.Method, method, StringComparison.OrdinalIgnoreCase) && r.Path == path)];

    /// <summary>Forgets every logged call.</summary>
    public void Clear()
    {
        lock (gate)
        {
            entries.Clear();
        }
    }

    internal void Add(SandboxRequest request)
    {
        lock (gate)
        {
            entries.Enqueue(request);
            if (entries.Count > Kept)
            {
                entries.Dequeue();
            }
        }
    }

    /// <summary>The log as JSON, with the parameters parsed into nested objects (built here, not for every call).</summary>
    internal JsonArray ToJson() =>
        new([.. All.Select(e => (JsonNode)new JsonObject
        {
            ["time"] = e.Time.ToString("O", CultureInfo.InvariantCulture),
            ["method"] = e.Method,
            ["path"] = e.Path,
            ["parameters"] = StripeParameters.FromPairs(e.Parameters).Tree(),
            ["idempotency_key"] = e.IdempotencyKey,
            ["status"] = e.StatusCode,
            ["request_id"] = e.RequestId,
            ["replayed"] = e.Replayed,
        })]);
}
