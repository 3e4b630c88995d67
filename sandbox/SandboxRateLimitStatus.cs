namespace OrleansBilling.Sandbox;

/// <summary>The Stripe API's rate limit in the sandbox.</summary>
/// <param name="RequestsPerSecond">The calls allowed in each second of the sandbox clock; null when there is no limit.</param>
/// <param name="Refused">Calls answered 429 since the sandbox started.</param>
/// <param name="Admitted">Calls let through since the sandbox started, with a limit or without.</param>
public sealed record SandboxRateLimitStatus(int? RequestsPerSecond, long Refused, long Admitted);
