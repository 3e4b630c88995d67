namespace OrleansBilling.Grains.Email;

/// <summary>The provider accepted the email.</summary>
/// <param name="MessageId">The provider's id of the message (Brevo's <c>messageId</c>), for support and delivery events.</param>
public sealed record EmailReceipt(string MessageId);
