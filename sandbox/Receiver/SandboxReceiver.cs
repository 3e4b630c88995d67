using System.Text.Json;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace OrleansBilling.Sandbox.Receiver;

/// <summary>
/// A product's receiver of events, as a product would write one with a Standard Webhooks library: it checks each request's
/// signature against the secrets it trusts (and that its timestamp is within five minutes), refuses what does not verify,
/// and keeps what arrived, marking a second arrival of the same <c>webhook-id</c> as a duplicate. The local default points
/// an endpoint of each product here, so <c>/sandbox/receiver</c> shows the whole loop.
/// </summary>
public sealed class SandboxReceiver(TimeProvider clock)
{
    private const int Kept = 500;

    private readonly Lock sync = new();
    private readonly List<string> secrets = [];
    private readonly List<SandboxReceivedEvent> received = [];
    private (int Count, int Status) failing;

    /// <summary>What arrived, oldest first (the newest 500).</summary>
    public IReadOnlyList<SandboxReceivedEvent> Received
    {
        get
        {
            lock (sync)
            {
                return [.. received];
            }
        }
    }

    /// <summary>Trusts a signing secret (<c>whsec_…</c>) from now on: the one an endpoint was made or rotated with.</summary>
    public void Trust(string secret)
    {
        lock (sync)
        {
            if (!secrets.Contains(secret))
            {
                secrets.Add(secret);
            }
        }
    }

    /// <summary>The next <paramref name="count"/> requests are answered <paramref name="status"/> without being read, to watch the service try again.</summary>
    public void FailNext(int count, int status)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 599);
        lock (sync)
        {
            failing = (count, status);
        }
    }

    public void Clear()
    {
        lock (sync)
        {
            received.Clear();
        }
    }

    /// <summary>Takes one request: what to answer, and what is kept of it.</summary>
    public SandboxReceivedEvent Receive(IHeaderDictionary headers, string body)
    {
        var id = headers["webhook-id"].ToString();
        var (verified, refusal) = Verify(headers, body);
        lock (sync)
        {
            SandboxReceivedEvent entry;
            if (failing.Count > 0)
            {
                failing = (failing.Count - 1, failing.Status);
                entry = new SandboxReceivedEvent(id, clock.GetUtcNow(), failing.Status, verified, $"answered {failing.Status} by the fail switch", false, null, null, null);
            }
            else
            {
                var duplicate = verified && received.Any(r => r.Id == id && r.Status < 300);
                var (type, customer, version) = verified ? Describe(body) : (null, null, null);
                entry = new SandboxReceivedEvent(id, clock.GetUtcNow(), verified ? 204 : 400, verified, refusal, duplicate, type, customer, version);
            }

            received.Add(entry);
            if (received.Count > Kept)
            {
                received.RemoveAt(0);
            }

            return entry;
        }
    }

    /// <summary>
    /// Whether one of the signatures is by a trusted secret. Each signature is given to the library alone: its verifier (1.1.2)
    /// reads only the first of a header's space-separated signatures, where a rotation sends two.
    /// </summary>
    private (bool Verified, string? Refusal) Verify(IHeaderDictionary headers, string body)
    {
        if (string.IsNullOrEmpty(headers["webhook-id"]) || string.IsNullOrEmpty(headers["webhook-timestamp"]) || string.IsNullOrEmpty(headers["webhook-signature"]))
        {
            return (false, "webhook-id, webhook-timestamp and webhook-signature are required");
        }

        string[] trusted;
        lock (sync)
        {
            trusted = [.. secrets];
        }

        var refusal = "no secret is trusted yet";
        foreach (var secret in trusted)
        {
            foreach (var signature in headers["webhook-signature"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                try
                {
                    new StandardWebhook(secret).Verify(body, new HeaderDictionary
                    {
                        ["webhook-id"] = headers["webhook-id"],
                        ["webhook-timestamp"] = headers["webhook-timestamp"],
                        ["webhook-signature"] = signature,
                    });
                    return (true, null);
                }
                catch (WebhookVerificationException ex)
                {
                    refusal = ex.Message;
                }
            }
        }

        return (false, refusal);
    }

    private static (string? Type, string? Customer, long? Version) Describe(string body)
    {
        try
        {
            var root = JsonDocument.Parse(body).RootElement;
            return (root.GetProperty("type").GetString(), root.GetProperty("customer").GetString(), root.GetProperty("version").GetInt64());
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return (null, null, null);
        }
    }
}

/// <summary>One request the receiver took: what it answered, whether it verified (and why not), and what the event was.</summary>
public sealed record SandboxReceivedEvent(
    string Id,
    DateTimeOffset ReceivedAt,
    int Status,
    bool Verified,
    string? Refusal,
    bool Duplicate,
    string? Type,
    string? Customer,
    long? Version);
