namespace OrleansBilling.Grains.Email;

/// <summary>The email provider did not accept the email.</summary>
/// <param name="message">What happened, without secrets.</param>
/// <param name="transient">
/// True when sending again later may succeed (rate limit, 5xx, network, timeout); false when the
/// request itself is wrong (bad address, bad key, no credits, unknown template) and needs a person.
/// </param>
/// <param name="inner">The underlying failure, if any.</param>
public sealed class EmailSendException(string message, bool transient, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>True when sending again later may succeed.</summary>
    public bool Transient { get; } = transient;
}
