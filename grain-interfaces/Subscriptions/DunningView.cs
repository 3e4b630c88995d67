namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>A subscription's dunning: the open episode's steps taken and to come, or none.</summary>
/// <param name="Open">Whether an episode is running.</param>
/// <param name="Episode">The episode's number (1, 2, …), when open.</param>
/// <param name="StartedAt">When the payment failed.</param>
/// <param name="InvoiceId">The unpaid invoice.</param>
/// <param name="Steps">Every step of the episode's policy, with its date.</param>
/// <param name="NextStepAt">When the next step is due.</param>
/// <param name="GraceEndsAt">When access is suspended if nothing is paid (the first suspend step).</param>
[GenerateSerializer, Immutable, Alias("billing.DunningView")]
public sealed record DunningView(
    [property: Id(0)] bool Open,
    [property: Id(1)] int? Episode,
    [property: Id(2)] DateTimeOffset? StartedAt,
    [property: Id(3)] string? InvoiceId,
    [property: Id(4)] IReadOnlyList<DunningStepView> Steps,
    [property: Id(5)] DateTimeOffset? NextStepAt,
    [property: Id(6)] DateTimeOffset? GraceEndsAt);
