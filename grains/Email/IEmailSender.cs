namespace OrleansBilling.Grains.Email;

/// <summary>
/// Transactional email as the grains need it (Brevo in production, the sandbox's mailbox locally).
/// Every message carries an idempotency key derived from domain ids, so repeating a send within the
/// provider's short window delivers one email. Failures throw <see cref="EmailSendException"/>.
/// </summary>
public interface IEmailSender
{
    /// <summary>Sends one template email; returns once the provider has accepted it.</summary>
    Task<EmailReceipt> SendAsync(EmailMessage message, CancellationToken cancellationToken);
}
