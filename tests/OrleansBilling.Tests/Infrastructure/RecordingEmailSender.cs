using System.Collections.Concurrent;
using OrleansBilling.Grains.Email;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>An email sender for grain tests: records what was sent and can be told to fail.</summary>
public sealed class RecordingEmailSender : IEmailSender
{
    private int failuresLeft;

    public ConcurrentQueue<EmailMessage> Sent { get; } = new();

    /// <summary>The next <paramref name="count"/> sends throw a transient failure (an outage).</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref failuresLeft, count);

    /// <summary>The templates sent to a subscription, in order, by the tag the grain adds (the template name).</summary>
    public IReadOnlyList<string> TemplatesFor(string subscriptionKey) =>
        [.. Sent.Where(m => m.IdempotencyKey.StartsWith(subscriptionKey + "/", StringComparison.Ordinal)).Select(m => m.Tags[0])];

    public Task<EmailReceipt> SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        if (Interlocked.Decrement(ref failuresLeft) >= 0)
        {
            throw new EmailSendException("Injected outage.", transient: true);
        }

        Sent.Enqueue(message);
        return Task.FromResult(new EmailReceipt($"<{Sent.Count}@test>"));
    }
}
