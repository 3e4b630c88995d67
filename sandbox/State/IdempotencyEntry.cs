using OrleansBilling.Sandbox.Api;

namespace OrleansBilling.Sandbox.State;

/// <summary>What was first asked with an idempotency key and, once finished, what was answered.</summary>
internal sealed class IdempotencyEntry(string method, string path, StripeParameters parameters)
{
    public string Method { get; } = method;

    public string Path { get; } = path;

    public StripeParameters Parameters { get; } = parameters;

    public int? Status { get; set; }

    public string? Body { get; set; }

    public bool Matches(string method, string path, StripeParameters parameters) =>
        Method == method && Path == path && Parameters.SameAs(parameters);
}
