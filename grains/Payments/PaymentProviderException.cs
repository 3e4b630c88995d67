namespace OrleansBilling.Grains.Payments;

/// <summary>The payment provider did not do what was asked.</summary>
/// <param name="message">What happened, without secrets.</param>
/// <param name="transient">True when trying again later may succeed (network, 5xx, rate limit).</param>
/// <param name="inner">The underlying failure, if any.</param>
public sealed class PaymentProviderException(string message, bool transient, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>True when trying again later may succeed.</summary>
    public bool Transient { get; } = transient;
}
