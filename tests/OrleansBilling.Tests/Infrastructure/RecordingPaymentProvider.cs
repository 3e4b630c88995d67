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
    private int sessionCount;
    private int failuresLeft;
    private bool failTransient = true;

    public ConcurrentQueue<ProviderCall> Calls { get; } = new();

    /// <summary>The next <paramref name="count"/> calls throw; transient failures look like an outage.</summary>
    public void FailNext(int count, bool transient = true)
    {
        failTransient = transient;
        Interlocked.Exchange(ref failuresLeft, count);
    }

    public IReadOnlyList<ProviderCall> CallsNamed(string operation) => [.. Calls.Where(c => c.Operation == operation)];

    public Task<CheckoutSession> CreateCheckoutSessionAsync(CheckoutSessionRequest request, CancellationToken cancellationToken)
    {
        Record("checkout", request.ProductId + "/" + request.CustomerId, request.IdempotencyKey, request.Plan.ProviderPriceId);
        var session = sessionsByKey.GetOrAdd(request.IdempotencyKey, _ =>
        {
            var n = Interlocked.Increment(ref sessionCount);
            return new CheckoutSession($"cs_test_{n}", $"https://checkout.test/cs_test_{n}", request.ProviderCustomerId ?? $"cus_test_{n}");
        });
        return Task.FromResult(session);
    }

    public Task CancelSubscriptionAsync(string providerSubscriptionId, bool atPeriodEnd, string idempotencyKey, CancellationToken cancellationToken)
    {
        Record(atPeriodEnd ? "cancel_at_period_end" : "cancel_now", providerSubscriptionId, idempotencyKey, null);
        return Task.CompletedTask;
    }

    public Task UndoScheduledCancelAsync(string providerSubscriptionId, string idempotencyKey, CancellationToken cancellationToken)
    {
        Record("undo_cancel", providerSubscriptionId, idempotencyKey, null);
        return Task.CompletedTask;
    }

    public Task ResumeSubscriptionAsync(string providerSubscriptionId, string idempotencyKey, CancellationToken cancellationToken)
    {
        Record("resume", providerSubscriptionId, idempotencyKey, null);
        return Task.CompletedTask;
    }

    public Task ChangePriceAsync(string providerSubscriptionId, string providerPriceId, ProrationMode proration, string idempotencyKey, CancellationToken cancellationToken)
    {
        Record("change_price", providerSubscriptionId, idempotencyKey, $"{providerPriceId}:{proration}");
        return Task.CompletedTask;
    }

    private void Record(string operation, string target, string idempotencyKey, string? detail)
    {
        if (Interlocked.Decrement(ref failuresLeft) >= 0)
        {
            throw new PaymentProviderException($"Injected {(failTransient ? "outage" : "refusal")} for {operation}.", failTransient);
        }

        Calls.Enqueue(new ProviderCall(operation, target, idempotencyKey, detail));
    }
}

/// <summary>One call the provider received.</summary>
public sealed record ProviderCall(string Operation, string Target, string IdempotencyKey, string? Detail);
