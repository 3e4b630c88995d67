using System.Globalization;
using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Api;

/// <summary><c>/v1/coupons</c>: what a merchant makes in the dashboard to apply to subscriptions.</summary>
internal sealed class CouponsApi(SandboxState state) : ResourceApi(state)
{
    private static readonly string[] Durations = ["forever", "once", "repeating"];

    public ApiOutcome Create(StripeApiRequest request)
    {
        var p = request.Parameters;
        var id = p.String("id") is { Length: > 0 } given ? given : StripeIds.Code(8);
        if (State.Coupons.ContainsKey(id))
        {
            throw StripeApiException.Request("Coupon already exists.", "resource_already_exists", "id");
        }

        var duration = p.String("duration") ?? "once";
        if (!Durations.Contains(duration))
        {
            throw StripeApiException.Invalid("duration", $"Invalid duration: must be one of {string.Join(", ", Durations)}.");
        }

        var months = p.Long("duration_in_months");
        if ((duration == "repeating") != months is not null || months is <= 0 or > 120)
        {
            throw StripeApiException.Invalid("duration_in_months", "duration_in_months is required for a repeating coupon (a positive number of months) and only for one.");
        }

        var percent = p.String("percent_off") is { } text
            ? decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed) && parsed is > 0 and <= 100
                ? parsed
                : throw StripeApiException.Invalid("percent_off", "percent_off must be a number larger than 0 and at most 100.")
            : (decimal?)null;
        var amount = p.Long("amount_off");
        var currency = p.String("currency");
        if ((percent is null) == (amount is null))
        {
            throw StripeApiException.Request("A coupon takes exactly one of percent_off or amount_off.", "parameter_missing", "percent_off");
        }

        if (amount is not null && (amount <= 0 || currency is not { Length: 3 }))
        {
            throw StripeApiException.Invalid("amount_off", "amount_off must be a positive integer, with the currency it is in.");
        }

        var coupon = new CouponRecord
        {
            Id = id,
            Created = State.Now,
            PercentOff = percent,
            AmountOff = amount,
            Currency = amount is null ? null : currency,
            Duration = duration,
            DurationInMonths = (int?)months,
            Name = p.String("name"),
        };
        State.Coupons.Add(id, coupon);
        return Answer(request, coupon.ToJson());
    }

    public ApiOutcome Get(StripeApiRequest request) =>
        Answer(request, Find(State.Coupons, request.Id, "coupon").ToJson());
}
