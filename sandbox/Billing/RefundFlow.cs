using OrleansBilling.Sandbox.Api;
using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Billing;

/// <summary>Refunds part or all of what is left of a successful charge.</summary>
internal sealed class RefundFlow(SandboxState state)
{
    public RefundRecord Refund(ChargeRecord charge, long? amount, string? reason, Dictionary<string, string> metadata, EventBatch batch)
    {
        if (!charge.Succeeded)
        {
            throw StripeApiException.Request($"Charge {charge.Id} failed and has nothing to refund.", "charge_not_refundable", "charge");
        }

        var left = charge.Amount - charge.AmountRefunded;
        if (left == 0)
        {
            throw StripeApiException.Request($"Charge {charge.Id} has already been refunded.", "charge_already_refunded", "charge");
        }

        var refunded = amount ?? left;
        if (refunded <= 0)
        {
            throw StripeApiException.Invalid("amount", "Invalid positive integer", "parameter_invalid_integer");
        }

        if (refunded > left)
        {
            throw StripeApiException.Request($"Refund amount ({refunded}) is greater than unrefunded amount on charge ({left}).", "amount_too_large", "amount");
        }

        var before = charge.ToJson();
        var refund = new RefundRecord
        {
            Id = StripeIds.New("re"),
            Created = state.Now,
            Amount = refunded,
            Currency = charge.Currency,
            ChargeId = charge.Id,
            PaymentIntentId = charge.PaymentIntentId,
            CustomerId = charge.CustomerId,
            Reason = reason,
            Metadata = metadata,
        };
        state.Refunds.Add(refund.Id, refund);
        charge.AmountRefunded += refunded;
        charge.Refunds.Add(refund);

        state.Emit(batch, "refund.created", refund.ToJson());
        var after = charge.ToJson();
        state.Emit(batch, "charge.refunded", after, StripeJson.PreviousAttributes(before, after));
        return refund;
    }
}
