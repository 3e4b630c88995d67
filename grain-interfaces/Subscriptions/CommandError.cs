using OrleansBilling.GrainInterfaces.Lifecycle;

namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>An expected refusal, returned as a value (STYLE.md).</summary>
/// <param name="Code">What kind of refusal.</param>
/// <param name="Message">A sentence for the caller.</param>
/// <param name="CurrentState">The subscription's state when refused.</param>
/// <param name="Transition">The transition that was refused, for <see cref="CommandErrorCode.TransitionNotAllowed"/>.</param>
[GenerateSerializer, Immutable, Alias("billing.CommandError")]
public sealed record CommandError(
    [property: Id(0)] CommandErrorCode Code,
    [property: Id(1)] string Message,
    [property: Id(2)] SubscriptionState CurrentState,
    [property: Id(3)] LifecycleTransition? Transition = null);
