namespace OrleansBilling.Gateway.Auth;

/// <summary>Endpoint metadata: the caller must present a product's API key (<see cref="ProductKeyMiddleware"/>).</summary>
public sealed class RequiresProductKey;
