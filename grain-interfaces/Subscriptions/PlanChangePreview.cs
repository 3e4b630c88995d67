namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>What a plan change would cost the customer, from the provider's own invoice preview.</summary>
/// <param name="PlanId">The plan previewed.</param>
/// <param name="Proration">How the change would be charged.</param>
/// <param name="Currency">ISO 4217, lower case.</param>
/// <param name="DueNowMinor">Charged at once: the prorated difference with <c>always_invoice</c>, else 0.</param>
/// <param name="NextInvoiceMinor">The next renewal's invoice: the new plan's price, with the prorated difference under <c>create_prorations</c>.</param>
/// <param name="NextInvoiceAt">When the next renewal invoice comes (the current period's end).</param>
/// <param name="ProrationMinor">The prorated difference for the rest of the period (negative: a credit).</param>
[GenerateSerializer, Immutable, Alias("billing.PlanChangePreview")]
public sealed record PlanChangePreview(
    [property: Id(0)] string PlanId,
    [property: Id(1)] ProrationMode Proration,
    [property: Id(2)] string Currency,
    [property: Id(3)] long DueNowMinor,
    [property: Id(4)] long NextInvoiceMinor,
    [property: Id(5)] DateTimeOffset? NextInvoiceAt,
    [property: Id(6)] long ProrationMinor);
