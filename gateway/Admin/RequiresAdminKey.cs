namespace OrleansBilling.Gateway.Admin;

/// <summary>Endpoint metadata: the caller must present <c>Billing:AdminKey</c> (<see cref="AdminKeyMiddleware"/>).</summary>
public sealed class RequiresAdminKey;
