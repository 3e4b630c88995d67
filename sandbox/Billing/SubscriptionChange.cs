using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Billing;

/// <summary>The parts of <c>POST /v1/subscriptions/{id}</c> the sandbox acts on, validated.</summary>
internal sealed record SubscriptionChange(
    bool? CancelAtPeriodEnd,
    SandboxPrice? NewPrice,
    string ProrationBehavior,
    Dictionary<string, string>? Metadata,
    string? PauseBehavior,
    bool Unpause,
    DateTimeOffset? PauseResumesAt = null,
    string PaymentBehavior = "allow_incomplete")
{
    /// <summary>Metered items to take off (<c>items[#][deleted]</c>).</summary>
    public IReadOnlySet<string> RemovedItemIds { get; init; } = new HashSet<string>();

    /// <summary>Metered prices to add as new items (<c>items[#][price]</c> without an id).</summary>
    public IReadOnlyList<SandboxPrice> AddedMeteredPrices { get; init; } = [];

    /// <summary>
    /// The discounts the subscription is to have, in order (<c>discounts[#]</c>, empty for <c>discounts=""</c>): each a coupon
    /// to apply or a discount it has and keeps; null leaves them as they are.
    /// </summary>
    public IReadOnlyList<DiscountChoice>? Discounts { get; init; }

    public bool OnlyMetadata => CancelAtPeriodEnd is null && NewPrice is null && PauseBehavior is null && !Unpause
        && RemovedItemIds.Count == 0 && AddedMeteredPrices.Count == 0 && Discounts is null;
}

/// <summary>One of a subscription's discounts to be: a new one from <paramref name="Coupon"/>, or <paramref name="Kept"/>.</summary>
internal sealed record DiscountChoice(CouponRecord? Coupon, DiscountRecord? Kept);
