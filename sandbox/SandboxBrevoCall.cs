namespace OrleansBilling.Sandbox;

/// <summary>One call to the Brevo emulator's <c>POST /v3/smtp/email</c>, however it was answered.</summary>
/// <param name="Time">Sandbox time of the call.</param>
/// <param name="StatusCode">The status answered.</param>
/// <param name="IdempotencyKey">The <c>headers.idempotencyKey</c> sent, if the body could be read.</param>
/// <param name="Replayed">True when the key named an email already accepted, so no second email was made.</param>
public sealed record SandboxBrevoCall(DateTimeOffset Time, int StatusCode, string? IdempotencyKey, bool Replayed);
