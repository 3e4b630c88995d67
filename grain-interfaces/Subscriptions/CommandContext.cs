namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>Who asks for a change and how to recognise a repeat of the same request.</summary>
/// <param name="IdempotencyKey">The caller's <c>Idempotency-Key</c>, if any: a repeat returns the first answer.</param>
/// <param name="Fingerprint">A digest of the request as sent; the same key with another fingerprint is refused.</param>
/// <param name="Actor">Who asked (<c>api</c>, or an admin's name), for the history.</param>
/// <param name="Staff">When a member of staff asks: who, with which role, the action and the reason, for the audit trail.</param>
[GenerateSerializer, Immutable, Alias("billing.CommandContext")]
public sealed record CommandContext(
    [property: Id(0)] string? IdempotencyKey,
    [property: Id(1)] string? Fingerprint,
    [property: Id(2)] string Actor = "api",
    [property: Id(3)] Staff.StaffAction? Staff = null)
{
    /// <summary>A request without an idempotency key.</summary>
    public static CommandContext Api { get; } = new(null, null);
}
