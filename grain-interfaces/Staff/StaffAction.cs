namespace OrleansBilling.GrainInterfaces.Staff;

/// <summary>
/// A member of staff acting on a customer, carried with the command (<see cref="Subscriptions.CommandContext.Staff"/>) so the
/// subscription records the action and its outcome in the audit trail in the same write as the decision it makes.
/// </summary>
/// <param name="Person">Who acts (<see cref="StaffPeople.NameRule"/>).</param>
/// <param name="Role">Their role when they acted.</param>
/// <param name="Action">What they did, by name (<c>refund</c>, <c>grant-override</c>, <c>cancel-now</c>, …).</param>
/// <param name="Reason">Why, in their words.</param>
[GenerateSerializer, Immutable, Alias("billing.StaffAction")]
public sealed record StaffAction(
    [property: Id(0)] string Person,
    [property: Id(1)] StaffRole Role,
    [property: Id(2)] string Action,
    [property: Id(3)] string? Reason);
