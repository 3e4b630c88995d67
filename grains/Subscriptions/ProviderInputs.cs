using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Lifecycle;

namespace OrleansBilling.Grains.Subscriptions;

/// <summary>Turns a translated provider event into the lifecycle input it stands for.</summary>
public static class ProviderInputs
{
    public static LifecycleInput From(ProviderEvent e) => e.Kind switch
    {
        ProviderEventKind.CheckoutExpired => new LifecycleInput.CheckoutExpired(e.EventId, e.ObjectId),
        ProviderEventKind.SubscriptionTrialStarted => Started(e, SubscriptionState.Trialing),
        ProviderEventKind.SubscriptionActivated => Started(e, SubscriptionState.Active),
        ProviderEventKind.InvoicePaid => new LifecycleInput.InvoicePaid(
            e.EventId, Require(e.InvoiceId, e), e.AmountMinor ?? 0, e.ProviderSubscriptionId, e.PeriodStart, e.PeriodEnd, e.Currency),
        ProviderEventKind.InvoicePaymentFailed => new LifecycleInput.InvoicePaymentFailed(e.EventId, Require(e.InvoiceId, e), e.ProviderSubscriptionId, e.HostedInvoiceUrl) { ChangeId = e.ChangeId },
        ProviderEventKind.CancelScheduled => new LifecycleInput.ScheduleCancel(e.EventId, Actor(e)),
        ProviderEventKind.CancelUndone => new LifecycleInput.UndoCancel(e.EventId, Actor(e)),
        ProviderEventKind.SubscriptionCanceled => new LifecycleInput.EndSubscription(e.EventId, Actor(e), "ended_at_provider"),
        ProviderEventKind.SubscriptionPaused => new LifecycleInput.Pause(e.EventId, Actor(e)),
        ProviderEventKind.SubscriptionResumed => new LifecycleInput.ResumeCollection(e.EventId, Actor(e)),
        ProviderEventKind.Fact => new LifecycleInput.RecordFact(
            e.EventId, Actor(e), e.Fact ?? throw new ArgumentException($"Event {e.EventId} names no fact.", nameof(e)), e.Detail,
            e.AmountMinor is { } amount && e.Currency is { } currency ? new Money(amount, currency) : null) { ChangeId = e.ChangeId },
        ProviderEventKind.SubscriptionChanged or ProviderEventKind.CustomerUpdated =>
            throw new ArgumentException("A changed subscription is fetched from the provider, and a changed customer only observed.", nameof(e)),
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.Kind, "Unknown provider event kind."),
    };

    private static LifecycleInput.SubscriptionStarted Started(ProviderEvent e, SubscriptionState status) =>
        new(e.EventId, status, e.ProviderSubscriptionId, e.ProviderCustomerId, e.PlanId, e.PeriodStart, e.PeriodEnd, e.TrialEnd);

    private static string Actor(ProviderEvent e) => LifecycleInput.Provider(e.EventId);

    private static string Require(string? invoiceId, ProviderEvent e) =>
        invoiceId ?? throw new ArgumentException($"Event {e.EventId} ({e.Kind}) names no invoice.", nameof(e));
}
