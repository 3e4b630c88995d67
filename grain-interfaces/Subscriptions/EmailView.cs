namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>A lifecycle email of the customer's, for support: which moment, and whether it went (never the address).</summary>
/// <param name="Moment">The moment and its occasion, as the sent-log keys it (<c>payment_failed/2</c>, <c>refund:re_…</c>).</param>
/// <param name="Sent">Handed to the email provider; otherwise still to send (it is retried).</param>
/// <param name="Attempts">Tries so far, for one still to send.</param>
/// <param name="LastError">Why the last try failed, for one still to send.</param>
[GenerateSerializer, Immutable, Alias("billing.EmailView")]
public sealed record EmailView(
    [property: Id(0)] string Moment,
    [property: Id(1)] bool Sent,
    [property: Id(2)] int Attempts = 0,
    [property: Id(3)] string? LastError = null);
