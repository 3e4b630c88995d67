using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Api;

/// <summary>
/// <c>POST /v2/billing/meter_event_session</c>: a token for the meter event stream, authenticated by the
/// secret key like any other call and valid for 15 minutes of sandbox time.
/// </summary>
internal sealed class MeterEventSessionsApi(SandboxState state) : ResourceApi(state)
{
    /// <summary>How long Stripe says a session's token is valid.</summary>
    public static TimeSpan Lifetime { get; } = TimeSpan.FromMinutes(15);

    public ApiOutcome Create(StripeApiRequest request)
    {
        // v2 times are written to the millisecond: keep exactly what the caller is told.
        var now = DateTimeOffset.FromUnixTimeMilliseconds(State.Now.ToUnixTimeMilliseconds());
        var session = new MeterEventSessionRecord(StripeIds.New("mes"), StripeIds.New("token", 32), now, now + Lifetime);
        State.MeterEventSessions.Add(session.AuthenticationToken, session);
        return ApiOutcome.Ok(session.ToJson(), request.Events);
    }
}
