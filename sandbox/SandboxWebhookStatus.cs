namespace OrleansBilling.Sandbox;

/// <summary>How webhook delivery is going.</summary>
/// <param name="Delivered">Deliveries answered 2xx (first tries and retries).</param>
/// <param name="PendingRetry">Events waiting for a retry.</param>
/// <param name="FailedForGood">Events given up on after the last attempt.</param>
/// <param name="LastErrors">The most recent failures, newest first.</param>
/// <param name="Held">Events kept back while delivery is held; null when it is not.</param>
public sealed record SandboxWebhookStatus(long Delivered, int PendingRetry, long FailedForGood, IReadOnlyList<SandboxWebhookError> LastErrors, int? Held = null);
