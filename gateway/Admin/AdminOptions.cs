namespace OrleansBilling.Gateway.Admin;

/// <summary>The support and reporting surface's credentials (<c>Billing</c> section).</summary>
public sealed class AdminOptions
{
    public const string Section = "Billing";

    /// <summary>The bearer key of <c>/admin</c> routes; without one every admin call is refused.</summary>
    public string? AdminKey { get; set; }
}
