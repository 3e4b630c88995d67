namespace OrleansBilling.GrainInterfaces.Staff;

/// <summary>Which audit records to read, newest first: every filter given must match.</summary>
/// <param name="Person">Only this person's.</param>
/// <param name="ProductId">Only about this product.</param>
/// <param name="CustomerId">Only about this customer.</param>
/// <param name="Action">Only this action.</param>
/// <param name="Before">Only records written before the one with this <see cref="AuditRecord.Sequence"/> (the next page).</param>
/// <param name="Limit">At most this many.</param>
[GenerateSerializer, Immutable, Alias("billing.AuditQuery")]
public sealed record AuditQuery(
    [property: Id(0)] string? Person = null,
    [property: Id(1)] string? ProductId = null,
    [property: Id(2)] string? CustomerId = null,
    [property: Id(3)] string? Action = null,
    [property: Id(4)] long? Before = null,
    [property: Id(5)] int Limit = 100);
