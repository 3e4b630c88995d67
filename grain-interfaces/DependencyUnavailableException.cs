namespace OrleansBilling.GrainInterfaces;

/// <summary>
/// Something the service depends on (the payment provider, the database) failed in a way a later
/// try may mend. The HTTP surface answers it as a 503 with <c>Retry-After</c>, as it answers the
/// cluster's own unavailability; nothing was acknowledged, so the caller (or Stripe) tries again.
/// </summary>
[GenerateSerializer, Alias("billing.DependencyUnavailableException")]
public sealed class DependencyUnavailableException : Exception
{
    public DependencyUnavailableException()
    {
    }

    public DependencyUnavailableException(string message)
        : base(message)
    {
    }

    public DependencyUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
