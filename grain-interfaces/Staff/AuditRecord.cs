namespace OrleansBilling.GrainInterfaces.Staff;

/// <summary>One line of the audit trail: who, with which role, did what to whom, when, why, and how it ended. Never changed.</summary>
/// <param name="Id">Unique; writing the same record twice keeps one.</param>
/// <param name="At">When it happened.</param>
/// <param name="Person">Who (<see cref="StaffPeople.NameRule"/>; <c>bootstrap</c> for the bootstrap key).</param>
/// <param name="Role">Their role then.</param>
/// <param name="Action">What, by name (<c>refund</c>, <c>view-customer</c>, <c>set-dunning-policy</c>, …).</param>
/// <param name="ProductId">The product, when the action is about one.</param>
/// <param name="CustomerId">The customer, when the action is about one.</param>
/// <param name="Reason">Why, as the person gave it.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Detail">What came of it in plain words or ids (a refund's id and amount, the refusal); never an email address or a secret.</param>
/// <param name="Sequence">Its place in the trail, given when it is stored (1, 2, 3, … in the order written); 0 before.</param>
[GenerateSerializer, Immutable, Alias("billing.AuditRecord")]
public sealed record AuditRecord(
    [property: Id(0)] string Id,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Person,
    [property: Id(3)] StaffRole Role,
    [property: Id(4)] string Action,
    [property: Id(5)] string? ProductId,
    [property: Id(6)] string? CustomerId,
    [property: Id(7)] string? Reason,
    [property: Id(8)] AuditOutcome Outcome,
    [property: Id(9)] string? Detail,
    [property: Id(10)] long Sequence = 0)
{
    /// <summary>A new record's id.</summary>
    public static string NewId() => Guid.NewGuid().ToString("N");
}
