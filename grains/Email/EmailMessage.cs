namespace OrleansBilling.Grains.Email;

/// <summary>One template email to one recipient.</summary>
/// <param name="IdempotencyKey">Derived from domain ids (subscription, lifecycle event, episode): a retry reuses it.</param>
/// <param name="ToEmail">The recipient's address.</param>
/// <param name="ToName">The recipient's name, if known.</param>
/// <param name="TemplateId">The provider's template (per product and lifecycle email).</param>
/// <param name="Params">The template's variables.</param>
/// <param name="Tags">Labels for the provider's statistics, e.g. the product and the lifecycle email.</param>
public sealed record EmailMessage(
    string IdempotencyKey,
    string ToEmail,
    string? ToName,
    long TemplateId,
    IReadOnlyDictionary<string, string> Params,
    IReadOnlyList<string> Tags);
