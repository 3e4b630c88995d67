using OrleansBilling.Grains.Email;

namespace OrleansBilling.Grains.Effects;

/// <summary>Sends a lifecycle email exactly as it was decided; a refusal no retry can mend is given up on.</summary>
public sealed class SendEmailExecutor(IEmailSender emails) : EffectExecutor<Effect.SendEmail>
{
    protected override async Task<EffectResult> ExecuteAsync(Effect.SendEmail email, CancellationToken cancellationToken)
    {
        try
        {
            await emails.SendAsync(new EmailMessage(email.Key, email.To, null, email.TemplateId, email.Params, email.Tags), cancellationToken);
            return EffectResult.Done;
        }
        catch (EmailSendException ex) when (!ex.Transient)
        {
            return EffectResult.GaveUp(ex.Message);
        }
    }
}
