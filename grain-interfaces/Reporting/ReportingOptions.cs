namespace OrleansBilling.GrainInterfaces.Reporting;

/// <summary>
/// The contested definitions, as settings (<c>Billing:Reporting</c>). The defaults follow Stripe Billing's analytics:
/// churn when the subscription ends, past-due subscriptions count while dunning runs, suspended ones do not.
/// </summary>
[GenerateSerializer, Immutable, Alias("billing.ReportingOptions")]
public sealed record ReportingOptions
{
    public const string Section = "Billing:Reporting";

    /// <summary>When a canceling customer churns: when the subscription ends (default), or when the cancel is scheduled.</summary>
    [Id(0)]
    public ChurnMoment ChurnAt { get; init; } = ChurnMoment.SubscriptionEnds;

    /// <summary>How long a past-due subscription keeps counting, from the failed payment; null (the default) for as long as it is past due.</summary>
    [Id(1)]
    public TimeSpan? PastDueCountsFor { get; init; }

    /// <summary>How long a suspended subscription keeps counting, from its suspension; zero (the default): not at all.</summary>
    [Id(2)]
    public TimeSpan SuspendedCountsFor { get; init; } = TimeSpan.Zero;
}

/// <summary>When a customer who cancels stops counting.</summary>
public enum ChurnMoment
{
    /// <summary>When the subscription ends (Stripe's and ChartMogul's default).</summary>
    SubscriptionEnds,

    /// <summary>When the cancel is scheduled (Baremetrics' option): a canceling subscription no longer counts.</summary>
    CancellationScheduled,
}
