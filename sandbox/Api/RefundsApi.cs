using OrleansBilling.Sandbox.Billing;
using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Api;

/// <summary><c>/v1/refunds</c>.</summary>
internal sealed class RefundsApi(SandboxState state, RefundFlow refunds) : ResourceApi(state)
{
    private static readonly string[] Reasons = ["duplicate", "fraudulent", "requested_by_customer"];

    public ApiOutcome Create(StripeApiRequest request)
    {
        var p = request.Parameters;
        var charge = FindCharge(p.String("charge"), p.String("payment_intent"));
        var reason = p.String("reason");
        if (reason is not null && !Reasons.Contains(reason))
        {
            throw StripeApiException.Invalid("reason", $"Invalid reason: must be one of {string.Join(", ", Reasons)}.");
        }

        var refund = refunds.Refund(charge, p.Long("amount"), reason, Metadata.Create(p.Map("metadata")), request.Events);
        return Answer(request, refund.ToJson());
    }

    public ApiOutcome Get(StripeApiRequest request) =>
        Answer(request, Find(State.Refunds, request.Id, "refund").ToJson());

    private ChargeRecord FindCharge(string? chargeId, string? paymentIntentId)
    {
        if (!string.IsNullOrEmpty(chargeId))
        {
            return State.Charges.GetValueOrDefault(chargeId) ?? throw StripeApiException.NoSuch("charge", chargeId, "charge");
        }

        if (string.IsNullOrEmpty(paymentIntentId))
        {
            throw StripeApiException.Request("One of the following params should be provided for this request: payment_intent or charge.", "parameter_missing", "payment_intent");
        }

        var intent = State.PaymentIntents.GetValueOrDefault(paymentIntentId) ?? throw StripeApiException.NoSuch("payment_intent", paymentIntentId, "payment_intent");
        return intent is { Status: "succeeded", LatestChargeId: { } latest }
            ? State.Charges[latest]
            : throw StripeApiException.Request($"PaymentIntent {paymentIntentId} has no successful charge to refund.", "charge_not_refundable", "payment_intent");
    }
}
