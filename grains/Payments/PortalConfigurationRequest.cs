using OrleansBilling.GrainInterfaces.Catalog;

namespace OrleansBilling.Grains.Payments;

/// <summary>What a product's billing-portal configuration at the provider offers.</summary>
/// <param name="ProductId">The product; goes into the configuration's metadata.</param>
/// <param name="ProductName">Shown as the portal's headline.</param>
/// <param name="Features">What customers may do.</param>
/// <param name="SwitchPriceIds">The plan prices a customer may switch between (empty unless <see cref="PortalFeatures.SwitchPlan"/>).</param>
public sealed record PortalConfigurationRequest(string ProductId, string ProductName, PortalFeatures Features, IReadOnlyList<string> SwitchPriceIds)
{
    /// <summary>The plans a product offers for switching: those of the interval most plans have (a portal switch keeps the interval).</summary>
    public static PortalConfigurationRequest For(ProductDefinition product)
    {
        var features = product.PortalOffers;
        var interval = product.Plans.GroupBy(p => (p.Interval, p.Currency)).OrderByDescending(g => g.Count()).FirstOrDefault()?.Key;
        IReadOnlyList<string> prices = features.SwitchPlan && interval is { } common
            ? [.. product.Plans.Where(p => (p.Interval, p.Currency) == common).Select(p => p.ProviderPriceId)]
            : [];
        return new PortalConfigurationRequest(product.ProductId, product.Name, features, prices);
    }

    /// <summary>Equal for equal requests: a changed catalog or portal setting makes a new configuration.</summary>
    public string Fingerprint() =>
        string.Join('\n', ProductId, ProductName, Features.ToString(), string.Join(',', SwitchPriceIds));
}
