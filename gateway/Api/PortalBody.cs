namespace OrleansBilling.Gateway.Api;

/// <summary>Body of <c>POST /v1/customers/{id}/portal</c>.</summary>
/// <param name="ReturnUrl">Where the portal's "back" link leads.</param>
public sealed record PortalBody(string? ReturnUrl);
