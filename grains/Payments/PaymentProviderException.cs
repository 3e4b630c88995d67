namespace OrleansBilling.Grains.Payments;

/// <summary>The payment provider did not do what was asked.</summary>
/// <param name="message">What happened, without secrets.</param>
/// <param name="transient">True when trying again later may succeed (network, 5xx, rate limit).</param>
/// <param name="inner">The underlying failure, if any.</param>
/// <param name="code">The provider's error code (<c>amount_too_large</c>, <c>resource_missing</c>), when it gave one.</param>
public sealed class PaymentProviderException(string message, bool transient, Exception? inner = null, string? code = null) : Exception(message, inner)
{
    /// <summary>True when trying again later may succeed.</summary>
    public bool Transient { get; } = transient;

    /// <summary>The provider's error code, when it gave one.</summary>
    public string? Code { get; } = code;
}
