using Stripe;
using Stripe.V2.Billing;

namespace OrleansBilling.Grains.Stripe;

/// <summary>
/// The token of the current Stripe meter event session, which authenticates the meter event stream. One
/// session serves every send until a minute before Stripe says it expires (about 15 minutes), or until the
/// stream refuses its token; concurrent callers then share one new session rather than each creating one.
/// </summary>
internal sealed class MeterEventSessionToken(IStripeClientSource source, TimeProvider clock)
{
    /// <summary>How long before Stripe's expiry a token is replaced, so a send never starts with a token about to lapse.</summary>
    public static TimeSpan RefreshMargin { get; } = TimeSpan.FromMinutes(1);

    private readonly Lock gate = new();
    private Task<Session>? session;

    /// <summary>A token that was valid a minute ago and will be for at least a minute more.</summary>
    public Task<string> CurrentAsync(CancellationToken cancellationToken) => TokenAsync(rejected: null, cancellationToken);

    /// <summary>A token other than <paramref name="rejected"/>, which the stream refused.</summary>
    public Task<string> ReplaceAsync(string rejected, CancellationToken cancellationToken) => TokenAsync(rejected, cancellationToken);

    private async Task<string> TokenAsync(string? rejected, CancellationToken cancellationToken)
    {
        Task<Session> current;
        lock (gate)
        {
            if (session is null || !Serves(session, rejected))
            {
                session = CreateAsync();
            }

            current = session;
        }

        return (await current.WaitAsync(cancellationToken)).Token;
    }

    /// <summary>A creation under way is shared; a failed one is tried again by the next caller.</summary>
    private bool Serves(Task<Session> candidate, string? rejected) =>
        !candidate.IsCompleted
        || (candidate.IsCompletedSuccessfully && candidate.Result.Token != rejected && clock.GetUtcNow() < candidate.Result.RefreshAt);

    // Not cancelled by the caller that happened to start it: others may be waiting on it too.
    private async Task<Session> CreateAsync()
    {
        var created = await source.Client.V2.Billing.MeterEventSession.CreateAsync(new MeterEventSessionCreateOptions(), null, CancellationToken.None);
        var expiresAt = new DateTimeOffset(DateTime.SpecifyKind(created.ExpiresAt, DateTimeKind.Utc));
        return new Session(created.AuthenticationToken, expiresAt - RefreshMargin);
    }

    private sealed record Session(string Token, DateTimeOffset RefreshAt);
}
