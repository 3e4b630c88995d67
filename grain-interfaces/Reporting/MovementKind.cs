namespace OrleansBilling.GrainInterfaces.Reporting;

/// <summary>How a customer's MRR moved on a day (ChartMogul's and Baremetrics' five kinds).</summary>
public enum MovementKind
{
    /// <summary>From nothing to something, the first time the customer ever counted.</summary>
    New,

    /// <summary>Up, while counting.</summary>
    Expansion,

    /// <summary>Down, while still counting.</summary>
    Contraction,

    /// <summary>To nothing.</summary>
    Churn,

    /// <summary>From nothing to something again, after counting before (a win-back, a recovery from a suspension).</summary>
    Reactivation,
}
