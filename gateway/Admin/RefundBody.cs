namespace OrleansBilling.Gateway.Admin;

/// <summary>
/// <c>POST /admin/v1/products/{p}/customers/{c}/refunds</c>: the paid invoice (<c>in_…</c>) or the charge
/// (<c>ch_…</c>) to refund, how much in minor units (all that remains when omitted), why (kept in the
/// history), and whether to cancel the subscription now as well.
/// </summary>
public sealed record RefundBody(string? Invoice = null, string? Charge = null, long? Amount = null, string? Reason = null, bool CancelSubscription = false);
