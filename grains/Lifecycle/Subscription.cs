using System.Collections.Immutable;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Grains.Lifecycle;

/// <summary>
/// Everything the lifecycle decides on for one subscription. Immutable: a decision returns a new
/// one. Persisted as the subscription grain's state (System.Text.Json), so members are only added.
/// </summary>
[GenerateSerializer, Immutable, Alias("billing.Subscription")]
public sealed record Subscription
{
    /// <summary>How many applied input ids and paid invoice ids are remembered for de-duplication.</summary>
    public const int RememberedIds = 256;

    [Id(0)] public required string ProductId { get; init; }
    [Id(1)] public required string CustomerId { get; init; }
    [Id(2)] public SubscriptionState State { get; init; } = SubscriptionState.None;
    [Id(3)] public string? PlanId { get; init; }
    [Id(4)] public string? Email { get; init; }
    [Id(5)] public DateTimeOffset? CurrentPeriodStart { get; init; }
    [Id(6)] public DateTimeOffset? CurrentPeriodEnd { get; init; }
    [Id(7)] public DateTimeOffset? TrialEnd { get; init; }

    /// <summary>True once the customer has been in <c>Canceled</c>: a new subscription is then a win-back.</summary>
    [Id(8)] public bool CanceledBefore { get; init; }

    /// <summary>Where an abandoned checkout returns to (<c>None</c> or <c>Canceled</c>).</summary>
    [Id(9)] public SubscriptionState ReturnState { get; init; } = SubscriptionState.None;

    /// <summary>Where a resume or an undone cancel returns to (<c>Active</c> or <c>Trialing</c>).</summary>
    [Id(10)] public SubscriptionState ResumeState { get; init; } = SubscriptionState.Active;

    /// <summary>The pause a product or support asked for, while paused by their request.</summary>
    [Id(33)] public PauseRequest? PauseAsked { get; init; }

    /// <summary>A plan change waiting for the period end: the plan, and when it applies.</summary>
    [Id(34)] public PendingChangeView? PendingChange { get; init; }

    [Id(11)] public string? ProviderCustomerId { get; init; }
    [Id(12)] public string? ProviderSubscriptionId { get; init; }
    [Id(13)] public string? CheckoutSessionId { get; init; }

    /// <summary>Where the customer pays the open checkout session.</summary>
    [Id(30)] public string? CheckoutUrl { get; init; }

    /// <summary>What the open checkout session was opened for (plan, address, URLs): the same request gets the same session.</summary>
    [Id(31)] public string? CheckoutFingerprint { get; init; }

    /// <summary>When the open checkout session expires at the provider.</summary>
    [Id(32)] public DateTimeOffset? CheckoutExpiresAt { get; init; }
    [Id(14)] public int CheckoutAttempts { get; init; }

    /// <summary>The unpaid invoice that put the subscription past due, if any.</summary>
    [Id(15)] public string? OpenInvoiceId { get; init; }
    [Id(16)] public string? CancelReason { get; init; }

    /// <summary>The sequence number of the last history entry; 0 before the first.</summary>
    [Id(17)] public long LastSequence { get; init; }

    /// <summary>Ids of recently applied inputs: an input seen again is a duplicate.</summary>
    [Id(18)] public ImmutableList<string> AppliedInputIds { get; init; } = [];

    /// <summary>Invoices known to be paid: a paid invoice is never unpaid again.</summary>
    [Id(19)] public ImmutableList<string> PaidInvoiceIds { get; init; } = [];

    /// <summary>The open dunning episode, if a payment failed and has not been recovered.</summary>
    [Id(20)] public DunningEpisode? Dunning { get; init; }

    /// <summary>How many dunning episodes the subscription has had.</summary>
    [Id(21)] public int DunningEpisodes { get; init; }

    /// <summary>Where the customer can pay the open invoice, when the provider said.</summary>
    [Id(22)] public string? OpenInvoiceUrl { get; init; }

    /// <summary>How often a canceled customer came back, and when last: reactivations, for reporting.</summary>
    [Id(23)] public int WinBacks { get; init; }

    [Id(24)] public DateTimeOffset? LastWonBackAt { get; init; }

    /// <summary>The price of the plan, as it was when the customer moved onto it.</summary>
    [Id(25)] public PriceTerms? Terms { get; init; }

    /// <summary>Support overrides not yet removed; an expired one stops applying at once and leaves at the next wake-up.</summary>
    [Id(26)] public ImmutableList<GrantedOverride> Overrides { get; init; } = [];

    /// <summary>How many overrides were ever granted: numbers the next one.</summary>
    [Id(27)] public int OverridesGranted { get; init; }

    /// <summary>Where the billing period before the current one began: late usage may still count there.</summary>
    [Id(28)] public DateTimeOffset? PreviousPeriodStart { get; init; }

    /// <summary>When the address in <see cref="Email"/> was true: an older observation never replaces it.</summary>
    [Id(29)] public DateTimeOffset? EmailObservedAt { get; init; }

    /// <summary>A customer nobody has subscribed yet.</summary>
    public static Subscription New(string productId, string customerId) => new() { ProductId = productId, CustomerId = customerId };

    public bool HasApplied(string inputId) => AppliedInputIds.Contains(inputId);

    public bool IsPaid(string? invoiceId) => invoiceId is not null && PaidInvoiceIds.Contains(invoiceId);

    /// <summary>The overrides in force at <paramref name="now"/>.</summary>
    public IEnumerable<GrantedOverride> OverridesInForce(DateTimeOffset now) => Overrides.Where(o => o.ExpiresAt > now);

    internal Subscription Remember(string inputId) =>
        this with { AppliedInputIds = Bounded(AppliedInputIds.Add(inputId)) };

    internal Subscription RememberPaid(string invoiceId) =>
        IsPaid(invoiceId) ? this : this with { PaidInvoiceIds = Bounded(PaidInvoiceIds.Add(invoiceId)) };

    private static ImmutableList<string> Bounded(ImmutableList<string> ids) =>
        ids.Count > RememberedIds ? ids.RemoveRange(0, ids.Count - RememberedIds) : ids;
}
