using System.Globalization;
using System.Text.Json.Nodes;

namespace OrleansBilling.Sandbox;

/// <summary>The log of Stripe API calls the sandbox received, so tests can check what Stripe.net sent.</summary>
public sealed class SandboxRequests
{
    private const int Kept = 10_000;

    private readonly Lock gate = new();
    private readonly List<(SandboxRequest Request, JsonObject Tree)> entries = [];

    /// <summary>Every logged call, oldest first.</summary>
    public IReadOnlyList<SandboxRequest> All
    {
        get
        {
            lock (gate)
            {
                return [.. entries.Select(e => e.Request)];
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

    internal void Add(SandboxRequest request, JsonObject tree)
    {
        lock (gate)
        {
            entries.Add((request, tree));
            if (entries.Count > Kept)
            {
                entries.RemoveAt(0);
            }
        }
    }

    /// <summary>The log as JSON, with the parameters parsed into nested objects.</summary>
    internal JsonArray ToJson()
    {
        lock (gate)
        {
            return new JsonArray([.. entries.Select(e => (JsonNode)new JsonObject
            {
                ["time"] = e.Request.Time.ToString("O", CultureInfo.InvariantCulture),
                ["method"] = e.Request.Method,
                ["path"] = e.Request.Path,
                ["parameters"] = e.Tree.DeepClone(),
                ["idempotency_key"] = e.Request.IdempotencyKey,
                ["status"] = e.Request.StatusCode,
                ["request_id"] = e.Request.RequestId,
                ["replayed"] = e.Request.Replayed,
            })]);
        }
    }
}
