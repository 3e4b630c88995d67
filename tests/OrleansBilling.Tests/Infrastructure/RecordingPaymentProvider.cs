using System.Collections.Concurrent;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Payments;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// An in-memory payment provider for tests of the grains and the gateway: it records every call,
/// answers a repeated idempotency key with the first answer (as Stripe does), and can be told to
/// fail the next calls.
/// </summary>
public sealed class RecordingPaymentProvider : IPaymentProvider
{
    private readonly ConcurrentDictionary<string, CheckoutSession> sessionsByKey = new();
    private readonly ConcurrentDictionary<string, ProviderRefund> refundsByKey = new();
    private int sessionCount;
    private int failuresLeft;
    private bool failTransient = true;

    public ConcurrentQueue<ProviderCall> Calls { get; } = new();

    /// <summary>The provider customer each subscription's checkout made or named, by subscription key.</summary>
    public ConcurrentDictionary<string, string> CustomersOf { get; } = new();

    /// <summary>Checkout sessions the customer paid just before they were to be expired: expiring them answers <c>complete</c>.</summary>
    public ConcurrentDictionary<string, bool> PaidSessions { get; } = new();

    /// <summary>Every call the provider was asked to make, failed ones included, in order.</summary>
    public ConcurrentQueue<ProviderCall> Attempts { get; } = new();

    /// <summary>The next <paramref name="count"/> calls throw; transient failures look like an outage.</summary>
    public void FailNext(int count, bool transient = true)
    {
        failTransient = transient;
        Interlocked.Exchange(ref failuresLeft, count);
    }

    public IReadOnlyList<ProviderCall> CallsNamed(string operation) => [.. Calls.Where(c => c.Operation == operation)];

    public Task<CheckoutSession> CreateCheckoutSessionAsync(CheckoutSessionRequest request, CancellationToken cancellationToken)
    {
        Record("checkout", request.ProductId + "/" + request.CustomerId, request.IdempotencyKey, $"{request.Plan.ProviderPriceId}; trial={request.TrialDays}");
        var session = sessionsByKey.GetOrAdd(request.IdempotencyKey, _ =>
        {
            var n = Interlocked.Increment(ref sessionCount);
            return new CheckoutSession($"cs_test_{n}", $"https://checkout.test/cs_test_{n}", request.ProviderCustomerId ?? $"cus_test_{n}");
        });
        CustomersOf[request.ProductId + "/" + request.CustomerId] = session.ProviderCustomerId!;
        return Task.FromResult(session);
    }

    public Task CancelSubscriptionAsync(string providerSubscriptionId, bool atPeriodEnd, bool invoiceUsage, string idempotencyKey, CancellationToken cancellationToken)
    {
        Record(atPeriodEnd ? "cancel_at_period_end" : "cancel_now", providerSubscriptionId, idempotencyKey, atPeriodEnd ? null : $"invoice_now={invoiceUsage}");
        return Task.CompletedTask;
    }

    public Task<string> ExpireCheckoutSessionAsync(string sessionId, string idempotencyKey, CancellationToken cancellationToken)
    {
        Record("expire_checkout", sessionId, idempotencyKey, null);
        return Task.FromResult(PaidSessions.ContainsKey(sessionId) ? "complete" : "expired");
    }

    public Task UndoScheduledCancelAsync(string providerSubscriptionId, string idempotencyKey, CancellationToken cancellationToken)
    {
        Record("undo_cancel", providerSubscriptionId, idempotencyKey, null);
        return Task.CompletedTask;
    }

    public Task PauseCollectionAsync(string providerSubscriptionId, PauseRequest pause, string idempotencyKey, CancellationToken cancellationToken)
    {
        Record("pause", providerSubscriptionId, idempotencyKey, pause.Behavior.ToString());
        return Task.CompletedTask;
    }

    public Task ResumeCollectionAsync(string providerSubscriptionId, string idempotencyKey, CancellationToken cancellationToken)
    {
        Record("resume", providerSubscriptionId, idempotencyKey, null);
        return Task.CompletedTask;
    }

    public Task<bool> ChangePriceAsync(string providerSubscriptionId, string providerPriceId, IReadOnlyList<string>? meteredPriceIds, ProrationMode proration, string idempotencyKey, CancellationToken cancellationToken)
    {
        Record("change_price", providerSubscriptionId, idempotencyKey, $"{providerPriceId}:{proration}");
        if (meteredPriceIds is not null)
        {
            Record("change_metered", providerSubscriptionId, idempotencyKey, string.Join(",", meteredPriceIds));
        }

        if (Subscriptions.TryGetValue(providerSubscriptionId, out var held))
        {
            Subscriptions[providerSubscriptionId] = held with { PriceId = providerPriceId };
        }

        return Task.FromResult(true);
    }

    public Task<bool> ChangeMeteredPricesAsync(string providerSubscriptionId, string providerPriceId, IReadOnlyList<string> meteredPriceIds, string idempotencyKey, CancellationToken cancellationToken)
    {
        // As Stripe's provider does: nothing when the plan's price there moved on since the change was decided.
        var current = Subscriptions.TryGetValue(providerSubscriptionId, out var held) ? held.PriceId : providerPriceId;
        Record("change_metered", providerSubscriptionId, idempotencyKey, current == providerPriceId ? string.Join(",", meteredPriceIds) : $"skipped: plan price is {current}");
        return Task.FromResult(current == providerPriceId);
    }

    public Task<(long ProrationMinor, long NextPeriodMinor, string Currency)> PreviewPriceChangeAsync(string providerSubscriptionId, string providerPriceId, CancellationToken cancellationToken)
    {
        Record("preview", providerSubscriptionId, "", providerPriceId);
        return Task.FromResult((0L, 0L, "usd"));
    }

    /// <summary>The provider's clock, which dates its answers (Stripe's <c>Date</c> header); none when unset.</summary>
    public TimeProvider? Clock { get; set; }

    /// <summary>Subscriptions as the provider holds them, for "fetch on doubt".</summary>
    public ConcurrentDictionary<string, ProviderSubscription> Subscriptions { get; } = new();

    /// <summary>Invoices as the provider holds them.</summary>
    public ConcurrentDictionary<string, ProviderInvoice> Invoices { get; } = new();

    public Task<ProviderSubscription> GetSubscriptionAsync(string providerSubscriptionId, CancellationToken cancellationToken)
    {
        Record("get_subscription", providerSubscriptionId, "", null);
        return Subscriptions.TryGetValue(providerSubscriptionId, out var subscription)
            ? Task.FromResult(subscription with { ObservedAt = Clock?.GetUtcNow() })
            : Task.FromException<ProviderSubscription>(new PaymentProviderException($"No such subscription: {providerSubscriptionId}", transient: false));
    }

    public Task<ProviderInvoice> GetInvoiceAsync(string providerInvoiceId, CancellationToken cancellationToken)
    {
        Record("get_invoice", providerInvoiceId, "", null);
        return Invoices.TryGetValue(providerInvoiceId, out var invoice)
            ? Task.FromResult(invoice)
            : Task.FromException<ProviderInvoice>(new PaymentProviderException($"No such invoice: {providerInvoiceId}", transient: false));
    }

    public Task<IReadOnlyList<ProviderInvoice>> ListInvoicesAsync(string providerCustomerId, int limit, CancellationToken cancellationToken)
    {
        Record("list_invoices", providerCustomerId, "", null);
        return Task.FromResult<IReadOnlyList<ProviderInvoice>>([.. Invoices.Values.OrderByDescending(i => i.Created).Take(limit)]);
    }

    public Task<ProviderInvoice> PayInvoiceAsync(string providerInvoiceId, string idempotencyKey, CancellationToken cancellationToken)
    {
        Record("pay_invoice", providerInvoiceId, idempotencyKey, null);
        var paid = Invoices.AddOrUpdate(
            providerInvoiceId,
            _ => throw new PaymentProviderException($"No such invoice: {providerInvoiceId}", transient: false),
            (_, invoice) => invoice with { Status = "paid", AmountPaid = invoice.AmountDue });
        return Task.FromResult(paid);
    }

    /// <summary>Payments refunds are asked about, by charge id (the tests' grains refund through the real sandbox instead).</summary>
    public ConcurrentDictionary<string, RefundablePayment> Payments { get; } = new();

    public Task<RefundablePayment> GetRefundableAsync(string? invoiceId, string? chargeId, CancellationToken cancellationToken)
    {
        Record("get_refundable", invoiceId ?? chargeId ?? "", "", null);
        return Payments.Values.FirstOrDefault(p => p.ChargeId == chargeId || (invoiceId is not null && p.InvoiceId == invoiceId)) is { } payment
            ? Task.FromResult(payment)
            : throw new PaymentProviderException($"No such payment: {invoiceId ?? chargeId}", transient: false);
    }

    public Task<ProviderRefund> RefundAsync(string subscriptionKey, string chargeId, long? amountMinor, string idempotencyKey, CancellationToken cancellationToken)
    {
        Record("refund", chargeId, idempotencyKey, amountMinor?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var refund = refundsByKey.GetOrAdd(idempotencyKey, _ =>
        {
            // As Stripe: all that remains when no amount is given, never more; the charge counts it.
            var payment = Payments.GetValueOrDefault(chargeId);
            var amount = amountMinor ?? payment?.RemainingMinor ?? 0;
            if (payment is not null && amount > payment.RemainingMinor)
            {
                throw new PaymentProviderException("Refund amount is greater than what remains.", transient: false, code: "amount_too_large");
            }

            if (payment is not null)
            {
                Payments[chargeId] = payment with { RefundedMinor = payment.RefundedMinor + amount };
            }

            return new ProviderRefund($"re_test_{Calls.Count}", amount, "succeeded");
        });
        return Task.FromResult(refund);
    }

    /// <summary>Every meter event of every call that succeeded, in arrival order, repeats included.</summary>
    public ConcurrentQueue<MeterEvent> MeterEvents { get; } = new();

    /// <summary>The meter events as the provider counts them: the first of each identifier, in arrival order.</summary>
    public IReadOnlyList<MeterEvent> DistinctMeterEvents => [.. MeterEvents.DistinctBy(e => e.Identifier)];

    /// <summary>Records the call (operation <c>meter_events</c>, the identifiers as detail); a failed call keeps none of its events.</summary>
    public Task SendMeterEventsAsync(IReadOnlyList<MeterEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count > 100)
        {
            throw new ArgumentException($"At most 100 meter events per call; this batch has {events.Count}.", nameof(events));
        }

        Record("meter_events", string.Join(",", events.Select(e => e.ProviderCustomerId).Distinct()), "", string.Join(",", events.Select(e => e.Identifier)));
        foreach (var meterEvent in events)
        {
            MeterEvents.Enqueue(meterEvent);
        }

        return Task.CompletedTask;
    }

    public Task<string> CreatePortalSessionAsync(string providerCustomerId, string returnUrl, string? configurationId, string idempotencyKey, CancellationToken cancellationToken)
    {
        Record("portal", providerCustomerId, idempotencyKey, $"{returnUrl} configuration={configurationId}");
        return Task.FromResult($"https://portal.test/{providerCustomerId}");
    }

    public Task<string> CreatePortalConfigurationAsync(PortalConfigurationRequest request, string idempotencyKey, CancellationToken cancellationToken)
    {
        Record("portal_configuration", request.ProductId, idempotencyKey, request.Fingerprint());
        return Task.FromResult($"bpc_{request.ProductId}");
    }

    private void Record(string operation, string target, string idempotencyKey, string? detail)
    {
        Attempts.Enqueue(new ProviderCall(operation, target, idempotencyKey, detail));
        if (Interlocked.Decrement(ref failuresLeft) >= 0)
        {
            throw new PaymentProviderException($"Injected {(failTransient ? "outage" : "refusal")} for {operation}.", failTransient);
        }

        Calls.Enqueue(new ProviderCall(operation, target, idempotencyKey, detail));
    }
}

/// <summary>One call the provider received.</summary>
public sealed record ProviderCall(string Operation, string Target, string IdempotencyKey, string? Detail);
