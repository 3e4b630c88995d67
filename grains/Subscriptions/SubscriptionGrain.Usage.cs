using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Usage;
using OrleansBilling.Grains.Payments;
using OrleansBilling.Grains.Usage;

namespace OrleansBilling.Grains.Subscriptions;

/// <summary>
/// Metering: usage is written to the journal (durable and idempotent) before it is acknowledged,
/// counted in memory per period, and forwarded to the provider's meters by a timer, before
/// deactivation, and by the durable <c>usage</c> reminder after a crash.
/// </summary>
public sealed partial class SubscriptionGrain
{
    private const string UsageReminder = "usage";
    private const int MeterBatchSize = 100;
    private const int MeterBatchesPerRun = 20;
    private const int MaxIdempotencyKeyLength = 255;
    private const int MaxProviderIdentifierLength = 100;
    private static readonly TimeSpan UsageForwardDelay = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxUsageRetryDelay = TimeSpan.FromMinutes(5);

    /// <summary>Totals per (period start, meter) since the previous period; null until read from the journal.</summary>
    private Dictionary<(DateTimeOffset Period, string Meter), UsageTotals>? usageTotals;
    private IGrainTimer? usageTimer;
    private TimeSpan usageRetryDelay = UsageForwardDelay;
    private bool usageReminderArmed;
    private bool usageMayBeUnsent;
    private bool forwardingUsage;

    public async Task<IReadOnlyList<UsageResult>> RecordUsage(IReadOnlyList<UsageEvent> events)
    {
        var catalog = await Product(refresh: false);
        var now = clock.GetUtcNow();
        var results = new UsageResult[events.Count];
        var records = new List<(int Index, UsageRecord Record)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var (record, rejection) = Check(e, catalog, now);
            if (rejection is not null)
            {
                results[i] = rejection;
            }
            else if (!seen.Add(e.IdempotencyKey))
            {
                // The same key twice in one request: the first counts, the repeat is a duplicate of it.
                results[i] = new UsageResult(e.IdempotencyKey, UsageOutcome.Duplicate, PeriodStart: record!.PeriodStart);
            }
            else
            {
                records.Add((i, record!));
            }
        }

        if (records.Count == 0)
        {
            return results;
        }

        // The reminder comes first: were it to fail after the write, stored events would be answered
        // as not stored. With it in place, what is written is forwarded even if this silo dies.
        await ArmUsageReminder();
        var totals = await UsageTotals();
        IReadOnlySet<string> fresh;
        try
        {
            fresh = await usage.AppendAsync(productId, customerId, [.. records.Select(r => r.Record)], CancellationToken.None);
        }
        catch
        {
            // A failure may hide a commit (the connection dropped after it): a retry of these keys
            // would then be a duplicate and never counted here, so the totals are read again.
            usageTotals = null;
            entitlements = null;
            throw;
        }

        foreach (var (index, record) in records.OrderBy(r => r.Record.IdempotencyKey, StringComparer.Ordinal))
        {
            var isNew = fresh.Contains(record.IdempotencyKey);
            if (isNew)
            {
                var key = (record.PeriodStart, record.MeterId);
                totals[key] = totals.GetValueOrDefault(key).Add(record);
            }

            results[index] = new UsageResult(record.IdempotencyKey, isNew ? UsageOutcome.Accepted : UsageOutcome.Duplicate, PeriodStart: record.PeriodStart);
        }

        if (fresh.Count > 0)
        {
            entitlements = null;
            usageMayBeUnsent = true;
            await ScheduleUsageForwarding(UsageForwardDelay);
        }

        return results;
    }

    public async Task<int> ForwardUsage()
    {
        usageTimer?.Dispose();
        usageTimer = null;
        return await ForwardUnsentUsage(CancellationToken.None);
    }

    /// <summary>The record an event stands for, or the reason it is rejected.</summary>
    private (UsageRecord? Record, UsageResult? Rejection) Check(UsageEvent e, ProductDefinition? catalog, DateTimeOffset now)
    {
        UsageResult Reject(UsageError error, string detail) => new(e.IdempotencyKey ?? "", UsageOutcome.Rejected, error, detail);

        if (string.IsNullOrEmpty(e.IdempotencyKey) || e.IdempotencyKey.Length > MaxIdempotencyKeyLength || e.IdempotencyKey.Any(char.IsControl))
        {
            return (null, Reject(UsageError.InvalidIdempotencyKey, $"An idempotency key of 1-{MaxIdempotencyKeyLength} printable characters is required."));
        }

        if (catalog?.FindMeter(e.MeterId) is null)
        {
            return (null, Reject(UsageError.UnknownMeter, $"Product '{productId}' has no meter '{e.MeterId}'."));
        }

        if (!double.IsFinite(e.Quantity) || e.Quantity < 0)
        {
            return (null, Reject(UsageError.InvalidQuantity, "The quantity must be a finite number, 0 or more."));
        }

        var timestamp = e.Timestamp ?? now;
        var (period, error, detail) = UsagePeriods.Of(Current, state.State.PreviousPeriodStart, timestamp, now);
        return period is { } start
            ? (new UsageRecord(e.IdempotencyKey, e.MeterId, e.Quantity, timestamp, start, now), null)
            : (null, Reject(error!.Value, detail!));
    }

    /// <summary>The period totals, read from the journal once per activation.</summary>
    private async ValueTask<Dictionary<(DateTimeOffset Period, string Meter), UsageTotals>> UsageTotals()
    {
        if (usageTotals is null)
        {
            var since = state.State.PreviousPeriodStart ?? Current.CurrentPeriodStart ?? clock.GetUtcNow();
            var read = await usage.TotalsAsync(productId, customerId, since, CancellationToken.None);
            usageTotals = read.ToDictionary(t => (t.PeriodStart, t.MeterId));
        }

        return usageTotals;
    }

    /// <summary>The current period's usage per meter, each under its meter's aggregation.</summary>
    private async ValueTask<IReadOnlyDictionary<string, double>> CurrentUsage(ProductDefinition? catalog)
    {
        var meters = catalog?.Meters ?? [];
        if (meters.Count == 0 || UsagePeriods.Current(Current, clock.GetUtcNow()) is not { } period)
        {
            return new Dictionary<string, double>();
        }

        var totals = await UsageTotals();
        return meters.ToDictionary(
            m => m.MeterId,
            m => totals.TryGetValue((period, m.MeterId), out var t) ? t.ValueFor(m.Aggregation) : 0,
            StringComparer.Ordinal);
    }

    /// <summary>
    /// A timer forwards soon; the durable reminder survives this activation, so usage the provider
    /// has not accepted is forwarded even if the silo dies first.
    /// </summary>
    private async Task ScheduleUsageForwarding(TimeSpan delay)
    {
        await ArmUsageReminder();

        // Interleaved: a forwarding run waits on Stripe and the journal, and usage calls for this
        // customer need not wait behind it. Only one run goes at a time (see ForwardUnsentUsage).
        usageTimer ??= this.RegisterGrainTimer(
            async _ =>
            {
                usageTimer?.Dispose();
                usageTimer = null;
                await ForwardUnsentUsage(CancellationToken.None);
            },
            new GrainTimerCreationOptions { DueTime = delay, Period = Timeout.InfiniteTimeSpan, Interleave = true });
    }

    private async Task ArmUsageReminder()
    {
        if (!usageReminderArmed)
        {
            await this.RegisterOrUpdateReminder(UsageReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
            usageReminderArmed = true;
        }
    }

    /// <summary>
    /// Sends unsent usage in batches until none is left (or this run's share is done); answers 0 when
    /// none is left, else -1. A failure keeps the usage for a later try, with growing pauses.
    /// </summary>
    private async Task<int> ForwardUnsentUsage(CancellationToken cancellationToken)
    {
        if (forwardingUsage)
        {
            // The run under way sends what is unsent now, and schedules itself again if more is left.
            return -1;
        }

        forwardingUsage = true;
        try
        {
            for (var run = 0; run < MeterBatchesPerRun; run++)
            {
                var batch = await usage.UnsentAsync(productId, customerId, MeterBatchSize, cancellationToken);
                if (batch.Count == 0)
                {
                    usageMayBeUnsent = false;
                    usageRetryDelay = UsageForwardDelay;
                    return 0;
                }

                if (Current.ProviderCustomerId is not { } providerCustomer)
                {
                    // Usage needs a billing period, which only a checkout brings, so this does not
                    // happen; were it to, the usage waits in the journal for the customer to appear.
                    return -1;
                }

                var catalog = await Product(refresh: false);
                await payments.SendMeterEventsAsync(
                    [.. batch.Select(r => new MeterEvent(
                        catalog?.FindMeter(r.MeterId)?.ProviderEventName ?? r.MeterId, providerCustomer, r.Quantity, r.Timestamp, ProviderIdentifier(r.IdempotencyKey)))],
                    cancellationToken);
                await usage.MarkSentAsync(productId, customerId, batch.Max(r => r.Sequence), clock.GetUtcNow(), cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogUsageForwardFailed(ex, this.GetPrimaryKeyString(), usageRetryDelay);
            await ScheduleUsageForwarding(usageRetryDelay);
            usageRetryDelay = TimeSpan.FromTicks(Math.Min(usageRetryDelay.Ticks * 2, MaxUsageRetryDelay.Ticks));
            return -1;
        }
        finally
        {
            forwardingUsage = false;
        }

        // More than one run's share: the rest goes on the next timer, leaving room for other calls.
        await ScheduleUsageForwarding(TimeSpan.Zero);
        return -1;
    }

    private async Task OnUsageReminder()
    {
        usageReminderArmed = true;
        if (await ForwardUsage() == 0)
        {
            await StopReminder(UsageReminder);
            usageReminderArmed = false;
        }
    }

    /// <summary>Before the activation goes (a rebalance, a silo shutting down), usage still unsent gets a last try.</summary>
    private async Task ForwardBeforeDeactivation(CancellationToken cancellationToken)
    {
        if (!usageMayBeUnsent)
        {
            return;
        }

        usageTimer?.Dispose();
        try
        {
            await ForwardUnsentUsage(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Whatever is left stays in the journal, and the usage reminder brings it out later.
            LogUsageForwardFailed(ex, this.GetPrimaryKeyString(), TimeSpan.FromMinutes(1));
        }
    }

    /// <summary>
    /// The provider's identifier for a usage event: unique across the account (the product's key is
    /// unique only per customer), the same on every try, and within the provider's 100 characters.
    /// </summary>
    internal static string ProviderIdentifier(string subscriptionKey, string idempotencyKey)
    {
        var plain = $"{subscriptionKey}/{idempotencyKey}";
        return plain.Length <= MaxProviderIdentifierLength
            ? plain
            : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(plain)));
    }

    private string ProviderIdentifier(string idempotencyKey) => ProviderIdentifier(this.GetPrimaryKeyString(), idempotencyKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding usage of {Subscription} to the provider failed; trying again in {Delay}")]
    private partial void LogUsageForwardFailed(Exception exception, string subscription, TimeSpan delay);
}
