using OrleansBilling.GrainInterfaces.Catalog;

namespace OrleansBilling.Grains.Payments;

/// <summary>What the provider needs to open a checkout for one customer of one product.</summary>
public sealed record CheckoutSessionRequest(
    string ProductId,
    string CustomerId,
    Plan Plan,
    string? Email,
    string? ProviderCustomerId,
    string SuccessUrl,
    string CancelUrl,
    string IdempotencyKey);
