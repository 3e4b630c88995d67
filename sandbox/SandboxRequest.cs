namespace OrleansBilling.Sandbox;

/// <summary>One call the sandbox's Stripe API received.</summary>
/// <param name="Time">Sandbox time of the call.</param>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">The API path, e.g. <c>/v1/checkout/sessions</c>.</param>
/// <param name="Parameters">Query and form parameters exactly as sent, one bracket key each (<c>line_items[0][price]</c>).</param>
/// <param name="IdempotencyKey">The <c>Idempotency-Key</c> header, if any.</param>
/// <param name="StatusCode">The status answered.</param>
/// <param name="RequestId">The <c>Request-Id</c> answered, which events caused by the call carry.</param>
/// <param name="Replayed">True when an idempotency key replayed an earlier answer.</param>
public sealed record SandboxRequest(
    DateTimeOffset Time,
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Parameters,
    string? IdempotencyKey,
    int StatusCode,
    string RequestId,
    bool Replayed)
{
    /// <summary>One parameter by its bracket key, or null.</summary>
    public string? Parameter(string key) => Parameters.GetValueOrDefault(key);
}
