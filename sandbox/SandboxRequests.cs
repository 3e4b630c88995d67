using System.Globalization;
using System.Text.Json.Nodes;
using OrleansBilling.Sandbox.Api;

namespace OrleansBilling.Sandbox;

/// <summary>The log of Stripe API calls the sandbox received, so tests can check what Stripe.net sent.</summary>
public sealed class SandboxRequests
{
    private const int Kept = 10_000;

    private readonly Lock gate = new();

    /// <summary>
    /// The last <see cref="Kept"/> calls, oldest first (the oldest leaves in constant time), each with its parameters as
    /// parsed when the call had them parsed anyway (a v1 call; a repeated key such as <c>expand[]</c> keeps every value
    /// there): the log's JSON is built from them only when asked for.
    /// </summary>
    private readonly Queue<(SandboxRequest Request, StripeParameters? Parsed)> entries = new();

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

    internal void Add(SandboxRequest request, StripeParameters? parsed = null)
    {
        lock (gate)
        {
            entries.Enqueue((request, parsed));
            if (entries.Count > Kept)
            {
                entries.Dequeue();
            }
        }
    }

    /// <summary>The log as JSON, with the parameters parsed into nested objects (built here, not for every call).</summary>
    internal JsonArray ToJson()
    {
        (SandboxRequest Request, StripeParameters? Parsed)[] logged;
        lock (gate)
        {
            logged = [.. entries];
        }

        return new([.. logged.Select(e => (JsonNode)new JsonObject
        {
            ["time"] = e.Request.Time.ToString("O", CultureInfo.InvariantCulture),
            ["method"] = e.Request.Method,
            ["path"] = e.Request.Path,
            ["parameters"] = (e.Parsed ?? StripeParameters.FromPairs(e.Request.Parameters)).Tree(),
            ["idempotency_key"] = e.Request.IdempotencyKey,
            ["status"] = e.Request.StatusCode,
            ["request_id"] = e.Request.RequestId,
            ["replayed"] = e.Request.Replayed,
        })]);
    }
}
