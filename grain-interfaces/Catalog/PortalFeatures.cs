namespace OrleansBilling.GrainInterfaces.Catalog;

/// <summary>
/// What a product's customers may do themselves in the provider's billing portal. The service keeps one
/// portal configuration at the provider per product and opens every portal session of the product with it.
/// </summary>
/// <param name="Cancel">The customer may cancel.</param>
/// <param name="CancelImmediately">A cancellation ends the subscription at once instead of at the period end.</param>
/// <param name="SwitchPlan">The customer may switch to another plan of the product with the same interval (prorated).</param>
/// <param name="Invoices">The customer sees the invoices.</param>
/// <param name="UpdatePaymentMethod">The customer may replace the card (which also pays what is open).</param>
[GenerateSerializer, Immutable, Alias("billing.PortalFeatures")]
public sealed record PortalFeatures(
    [property: Id(0)] bool Cancel = true,
    [property: Id(1)] bool CancelImmediately = false,
    [property: Id(2)] bool SwitchPlan = false,
    [property: Id(3)] bool Invoices = true,
    [property: Id(4)] bool UpdatePaymentMethod = true)
{
    /// <summary>A product that says nothing: cancel at the period end, invoices, card; no plan switch.</summary>
    public static PortalFeatures Default { get; } = new();
}
