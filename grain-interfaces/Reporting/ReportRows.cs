namespace OrleansBilling.GrainInterfaces.Reporting;

/// <summary>MRR at the end of a period, in one currency.</summary>
/// <param name="Period">The period's first day.</param>
/// <param name="Currency">ISO 4217, lower case.</param>
/// <param name="MrrMinor">The sum of the customers' MRR, minor units.</param>
/// <param name="Customers">Customers counting (MRR above zero).</param>
[GenerateSerializer, Immutable, Alias("billing.MrrRow")]
public sealed record MrrRow([property: Id(0)] DateOnly Period, [property: Id(1)] string Currency, [property: Id(2)] long MrrMinor, [property: Id(3)] int Customers);

/// <summary>The movements of one kind in a period, in one currency: signed, so a period's movements add up to its change of MRR.</summary>
[GenerateSerializer, Immutable, Alias("billing.MovementRow")]
public sealed record MovementRow(
    [property: Id(0)] DateOnly Period, [property: Id(1)] string Currency, [property: Id(2)] MovementKind Kind, [property: Id(3)] long AmountMinor, [property: Id(4)] int Customers);

/// <summary>
/// Churn in a period, in one currency. Rates are fractions (0.05 is 5%) and null when there is nothing to divide by.
/// </summary>
/// <param name="Period">The period's first day.</param>
/// <param name="Currency">ISO 4217, lower case.</param>
/// <param name="CustomersAtStart">Customers counting at the start.</param>
/// <param name="ChurnedCustomers">Customers whose MRR went to zero in the period (each once).</param>
/// <param name="SubscriberChurnRate">Churned ÷ customers at the start.</param>
/// <param name="MrrAtStart">MRR at the start.</param>
/// <param name="ChurnedMrr">MRR lost to churn (positive).</param>
/// <param name="ContractionMrr">MRR lost to contraction (positive).</param>
/// <param name="ExpansionMrr">MRR won by expansion.</param>
/// <param name="ReactivationMrr">MRR won back by reactivation.</param>
/// <param name="GrossRevenueChurnRate">(Churned + contraction) ÷ MRR at the start.</param>
/// <param name="NetRevenueChurnRate">(Churned + contraction − expansion − reactivation) ÷ MRR at the start; negative when the base grew.</param>
/// <param name="MrrAtEnd">MRR at the end.</param>
/// <param name="CustomersAtEnd">Customers counting at the end.</param>
/// <param name="ArpaMinor">Average revenue per account: MRR at the end ÷ customers at the end, minor units (rounded).</param>
/// <param name="LtvMinor">ARPA ÷ the monthly subscriber churn rate (the period's rate scaled to an average month); null when no customer churned: lifetime value is then not bounded by the data.</param>
[GenerateSerializer, Immutable, Alias("billing.ChurnRow")]
public sealed record ChurnRow(
    [property: Id(0)] DateOnly Period,
    [property: Id(1)] string Currency,
    [property: Id(2)] int CustomersAtStart,
    [property: Id(3)] int ChurnedCustomers,
    [property: Id(4)] decimal? SubscriberChurnRate,
    [property: Id(5)] long MrrAtStart,
    [property: Id(6)] long ChurnedMrr,
    [property: Id(7)] long ContractionMrr,
    [property: Id(8)] long ExpansionMrr,
    [property: Id(9)] long ReactivationMrr,
    [property: Id(10)] decimal? GrossRevenueChurnRate,
    [property: Id(11)] decimal? NetRevenueChurnRate,
    [property: Id(12)] long MrrAtEnd,
    [property: Id(13)] int CustomersAtEnd,
    [property: Id(14)] long? ArpaMinor,
    [property: Id(15)] long? LtvMinor);

/// <summary>Customers by state at the end of a period (every product's customers, whatever the currency).</summary>
[GenerateSerializer, Immutable, Alias("billing.StateCountRow")]
public sealed record StateCountRow([property: Id(0)] DateOnly Period, [property: Id(1)] Lifecycle.SubscriptionState State, [property: Id(2)] int Customers);

/// <summary>A report: MRR at the end of each period, its movements, churn, customers by state, dunning and trials, and the total in the reporting currency.</summary>
[GenerateSerializer, Immutable, Alias("billing.PortfolioReport")]
public sealed record PortfolioReport(
    [property: Id(0)] ReportRequest Request,
    [property: Id(1)] IReadOnlyList<MrrRow> Mrr,
    [property: Id(2)] IReadOnlyList<MovementRow> Movements,
    [property: Id(3)] IReadOnlyList<ChurnRow> Churn,
    [property: Id(4)] IReadOnlyList<StateCountRow> States,
    [property: Id(5)] IReadOnlyList<DunningRow> Dunning,
    [property: Id(6)] IReadOnlyList<TrialRow> Trials,
    [property: Id(7)] IReadOnlyList<TotalRow>? Totals = null);

/// <summary>Dunning in a period, in one currency: episodes opened by a failed payment, recovered by a payment, ended by the policy's cancel.</summary>
/// <param name="Period">The period's first day.</param>
/// <param name="Currency">ISO 4217, lower case.</param>
/// <param name="Opened">Episodes opened (a payment failed).</param>
/// <param name="Recovered">Episodes that ended in a payment (back to active).</param>
/// <param name="Canceled">Episodes that ended with the policy's cancel.</param>
/// <param name="RecoveryRate">Recovered ÷ opened in the period; null when none opened.</param>
/// <param name="MrrSavedMinor">The MRR of the recovered customers when they recovered.</param>
[GenerateSerializer, Immutable, Alias("billing.DunningRow")]
public sealed record DunningRow(
    [property: Id(0)] DateOnly Period,
    [property: Id(1)] string Currency,
    [property: Id(2)] int Opened,
    [property: Id(3)] int Recovered,
    [property: Id(4)] int Canceled,
    [property: Id(5)] decimal? RecoveryRate,
    [property: Id(6)] long MrrSavedMinor);

/// <summary>Trials in a period: started, and converted (the trial ended in a paid subscription).</summary>
/// <param name="Period">The period's first day.</param>
/// <param name="Started">Trials that began in the period.</param>
/// <param name="Converted">Trials that ended in a paid subscription in the period.</param>
/// <param name="ConversionRate">Converted ÷ started in the period; null when none started.</param>
[GenerateSerializer, Immutable, Alias("billing.TrialRow")]
public sealed record TrialRow([property: Id(0)] DateOnly Period, [property: Id(1)] int Started, [property: Id(2)] int Converted, [property: Id(3)] decimal? ConversionRate);

/// <summary>The portfolio's MRR at the end of a period in the reporting currency, each currency converted at its rate in force on the period's last day.</summary>
/// <param name="Period">The period's first day.</param>
/// <param name="Currency">The reporting currency.</param>
/// <param name="MrrMinor">The total in minor units; null when a rate is missing.</param>
/// <param name="MissingRates">The currencies with MRR in the period and no rate in force by its last day.</param>
[GenerateSerializer, Immutable, Alias("billing.TotalRow")]
public sealed record TotalRow([property: Id(0)] DateOnly Period, [property: Id(1)] string Currency, [property: Id(2)] long? MrrMinor, [property: Id(3)] IReadOnlyList<string> MissingRates);
