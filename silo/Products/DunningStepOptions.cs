namespace OrleansBilling.Silo.Products;

/// <summary>A dunning step declared in configuration; <see cref="After"/> is an ISO 8601 duration such as <c>P3D</c>.</summary>
public sealed class DunningStepOptions
{
    public string? After { get; set; }

    /// <summary><c>email</c>, <c>suspend</c> or <c>cancel</c>.</summary>
    public string? Action { get; set; }

    public string? Template { get; set; }

    public bool RetryPayment { get; set; }
}
