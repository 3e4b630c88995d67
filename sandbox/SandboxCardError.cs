namespace OrleansBilling.Sandbox;

/// <summary>Why a test card was refused, in Stripe's terms.</summary>
/// <param name="Code">e.g. <c>card_declined</c>.</param>
/// <param name="DeclineCode">e.g. <c>insufficient_funds</c>.</param>
/// <param name="Message">What the customer is shown.</param>
public sealed record SandboxCardError(string Code, string? DeclineCode, string Message);
