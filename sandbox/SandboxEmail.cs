namespace OrleansBilling.Sandbox;

/// <summary>An email the Brevo emulator accepted, as it arrived in the mailbox.</summary>
/// <param name="MessageId">The <c>messageId</c> answered (<c>&lt;…@sandbox&gt;</c>).</param>
/// <param name="To">The recipients.</param>
/// <param name="TemplateId">The Brevo template, when one was named.</param>
/// <param name="Subject">The subject, when the email carried its own content instead of a template.</param>
/// <param name="Params">The template variables; values that were not JSON strings are kept as JSON text.</param>
/// <param name="Tags">The tags.</param>
/// <param name="IdempotencyKey">The <c>headers.idempotencyKey</c>, if any.</param>
/// <param name="ReceivedAt">Sandbox time it arrived.</param>
public sealed record SandboxEmail(
    string MessageId,
    IReadOnlyList<SandboxEmailAddress> To,
    long? TemplateId,
    string? Subject,
    IReadOnlyDictionary<string, string> Params,
    IReadOnlyList<string> Tags,
    string? IdempotencyKey,
    DateTimeOffset ReceivedAt);
