using OrleansBilling.GrainInterfaces.Catalog;

namespace OrleansBilling.Grains.Payments;

/// <summary>What the provider needs to open a checkout for one customer of one product.</summary>
/// <param name="ProductId">The product; goes into the provider objects' metadata.</param>
/// <param name="CustomerId">The product's customer id; goes into the metadata too.</param>
/// <param name="Plan">The plan to subscribe to.</param>
/// <param name="TrialDays">Days of trial to grant; 0 for a customer who had a trial before.</param>
/// <param name="Email">The customer's email address, if known.</param>
/// <param name="ProviderCustomerId">The provider customer of this subscription, once created; reused.</param>
/// <param name="SuccessUrl">Where the provider sends the customer after paying.</param>
/// <param name="CancelUrl">Where the provider sends the customer who gives up.</param>
/// <param name="AllowPromotionCodes">The product's switch for promotion codes.</param>
/// <param name="AutomaticTax">The product's switch for automatic tax.</param>
/// <param name="IdempotencyKey">Derived from domain ids: a retry reuses it.</param>
/// <param name="MeteredPriceIds">The plan's metered prices, sold beside its flat price.</param>
public sealed record CheckoutSessionRequest(
    string ProductId,
    string CustomerId,
    Plan Plan,
    int TrialDays,
    string? Email,
    string? ProviderCustomerId,
    string SuccessUrl,
    string CancelUrl,
    bool AllowPromotionCodes,
    bool AutomaticTax,
    string IdempotencyKey,
    IReadOnlyList<string>? MeteredPriceIds = null);
