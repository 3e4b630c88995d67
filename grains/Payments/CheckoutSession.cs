namespace OrleansBilling.Grains.Payments;

/// <summary>A hosted checkout the provider opened.</summary>
public sealed record CheckoutSession(string SessionId, string Url, string? ProviderCustomerId, DateTimeOffset? ExpiresAt = null);
