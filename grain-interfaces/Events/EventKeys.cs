namespace OrleansBilling.GrainInterfaces.Events;

/// <summary>The grain keys of events to products.</summary>
public static class EventKeys
{
    /// <summary>The key of a product's <see cref="IEventEndpointsGrain"/>.</summary>
    public static string Endpoints(string productId) => $"events/{BillingIds.ProductKey(productId)}";

    /// <summary>The key of the <see cref="IEventDeliveryGrain"/> of one endpoint of a product.</summary>
    public static string Delivery(string productId, string endpointId) => $"{BillingIds.ProductKey(productId)}/{endpointId}";

    /// <summary>The product and endpoint of a delivery grain's key.</summary>
    public static (string ProductId, string EndpointId) ParseDelivery(string key)
    {
        var parts = key.Split('/');
        return parts is ["product", var product, var endpoint] ? (product, endpoint) : throw new ArgumentException($"'{key}' is not a delivery key.", nameof(key));
    }
}
