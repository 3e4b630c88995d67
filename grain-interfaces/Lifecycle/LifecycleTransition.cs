namespace OrleansBilling.GrainInterfaces.Lifecycle;

/// <summary>The named ways a subscription may change state. Which states each may leave from is the lifecycle table's business.</summary>
public enum LifecycleTransition
{
    CheckoutStarted,
    CheckoutExpired,
    TrialStarted,
    Activated,
    WonBack,
    TrialConverted,
    Renewed,
    PlanChanged,
    PaymentFailed,
    DunningStepTaken,
    AccessSuspended,
    PaymentRecovered,
    DunningExhausted,
    CancelScheduled,
    CancelUndone,
    Canceled,
    Paused,
    Resumed,
}
