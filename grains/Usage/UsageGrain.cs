using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.GrainInterfaces.Usage;
using OrleansBilling.Grains.Payments;
using OrleansBilling.Grains.Products;
using OrleansBilling.Grains.Scheduling;
using OrleansBilling.Grains.Telemetry;

namespace OrleansBilling.Grains.Usage;

/// <summary>
/// One customer's metering, keyed like its subscription: usage is written to the journal (durable and
/// idempotent) before it is acknowledged, counted in memory per period, and forwarded to the
/// provider's meters by the grain's wake-up, which is armed before the write so that what is
/// written is forwarded even if the silo dies first. The subscription tells it the billing period;
/// it tells the subscription when the usage its entitlements show has changed.
/// </summary>
[GrainType("usage")]
public sealed partial class UsageGrain(
    [PersistentState("usage", BillingStorage.Name)] IPersistentState<UsageGrainState> state,
    IUsageJournal journal,
    IPaymentProvider payments,
    BillingMetrics metrics,
    TimeProvider clock,
    ILogger<UsageGrain> logger) : Grain, IUsageGrain, IRemindable
{
    private const int MeterBatchSize = 100;
    private const int MeterBatchesPerRun = 20;
    private const int MaxIdempotencyKeyLength = 255;
    private const int MaxProviderIdentifierLength = 100;
    /// <summary>
    /// How long usage waits to be forwarded, so that a call to the provider carries what came meanwhile (up to
    /// <see cref="MeterBatchSize"/> events): fewer, fuller calls. A full batch goes at once.
    /// </summary>
    private static readonly TimeSpan ForwardDelay = TimeSpan.FromSeconds(15);

    /// <summary>The first pause after a failed forward; they double up to <see cref="MaxRetryDelay"/>.</summary>
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(5);

    private string productId = "";
    private string customerId = "";
    private CatalogCache catalogs = null!;
    private WakeUp wake = null!;

    /// <summary>Totals per (period start, meter) since the previous period; null until read from the journal.</summary>
    private Dictionary<(DateTimeOffset Period, string Meter), UsageTotals>? totals;
    private bool subscriptionListening = true;

    /// <summary>
    /// The usage alerts told to the subscription in this activation (period start, meter, percent), and when (real time). Told
    /// one-way, so an alert is told again after <see cref="AlertRetold"/> in case the subscription did not record it; it
    /// records each once.
    /// </summary>
    private readonly Dictionary<(DateTimeOffset Period, string Meter, int Percent), long> alerted = [];

    private static readonly TimeSpan AlertRetold = TimeSpan.FromMinutes(10);

    /// <summary>How long new usage waits for its subscription to hear of it.</summary>
    private static readonly TimeSpan SubscriptionNoticePatience = TimeSpan.FromSeconds(2);

    /// <summary>How long after the subscription did not hear in time it is told without waiting.</summary>
    private static readonly TimeSpan SubscriptionNoticeBackoff = TimeSpan.FromSeconds(30);

    /// <summary>Until when (real time) the subscription is told without waiting.</summary>
    private DateTimeOffset noticesAwaitedAgainAt;

    /// <summary>
    /// Every record the journal holds that the provider has not accepted, in sequence order, as this activation knows it:
    /// the records its appends answered, from the moment a forwarding read found the journal drained with no append
    /// under way. Forwarding sends from it without reading the journal again; null when not known (a new activation, a
    /// failed append that may hide a commit, more than <see cref="MaxUnsentKept"/> waiting), and then it reads the journal.
    /// </summary>
    private List<UsageRecord>? unsent;

    /// <summary>Beyond this many records waiting (a provider outage), they are left to the journal rather than kept in memory.</summary>
    private const int MaxUnsentKept = MeterBatchSize * MeterBatchesPerRun;

    /// <summary>When unsent usage is next forwarded; null when none is known to wait.</summary>
    private DateTimeOffset? forwardAt;
    private TimeSpan retryDelay = FirstRetryDelay;
    private bool forwarding;

    /// <summary>The last forwarding run failed or found no provider customer: its pause stands, however much usage waits.</summary>
    private bool forwardingPaused;

    /// <summary>
    /// Appends under way, and appends ended (committed or not) in this activation: a forwarding run may
    /// call the journal drained only when none was under way at its end and none ended meanwhile.
    /// </summary>
    private int appendsUnderWay;
    private long appendsDone;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (productId, customerId) = BillingIds.ParseSubscriptionKey(this.GetPrimaryKeyString());
        catalogs = new CatalogCache(GrainFactory, productId, clock);

        // Forwarding guards itself (one run at a time), so usage calls need not wait behind it. Usage comes every few seconds
        // and is forwarded 15 s later by the timer: the reminder, kept while usage keeps coming, only stands in for an activation that is gone.
        wake = new WakeUp(this, clock, () => forwardAt, Forward, logger, interleave: true, reminderSlack: WakeUp.Period);
        return Task.CompletedTask;
    }

    /// <summary>Before the activation goes (a rebalance, a silo shutting down), usage still unsent gets a last try.</summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (forwardAt is null)
        {
            return;
        }

        try
        {
            // The reminder armed when the usage was written stays as it is: on a silo that is stopping, arming it again would
            // wait for a reminder service that has gone (it held every cluster's shutdown for Orleans' 30 s call timeout).
            await ForwardUnsent(cancellationToken, arm: false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Whatever is left stays in the journal, and the wake-up's reminder brings it out later.
            LogForwardFailed(ex, this.GetPrimaryKeyString(), WakeUp.Period);
        }
    }

    public async Task<IReadOnlyList<UsageResult>> RecordUsage(IReadOnlyList<UsageEvent> events)
    {
        var results = await Record(events);
        metrics.UsageAnswered(productId, results);
        return results;
    }

    private async Task<IReadOnlyList<UsageResult>> Record(IReadOnlyList<UsageEvent> events)
    {
        var catalog = await Product();
        var period = await Period();
        var now = clock.GetUtcNow();
        var results = new UsageResult[events.Count];
        var records = new List<(int Index, UsageRecord Record)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var (record, rejection) = Check(e, catalog, period, now);
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

        records = await WithinHardLimits(records, catalog!, period!, now, results);
        if (records.Count == 0)
        {
            return results;
        }

        // Under way from here: a forwarding run that ends while this call waits (for the wake-up or the
        // totals) must not call the journal drained and forget the deadline this call is about to need.
        Dictionary<(DateTimeOffset Period, string Meter), UsageTotals> known;
        IReadOnlyList<UsageRecord> added;
        appendsUnderWay++;
        try
        {
            // The wake-up comes first: were it to fail after the write, stored events would be answered
            // as not stored. With it in place, what is written is forwarded even if this silo dies.
            forwardAt ??= now + ForwardDelay;
            await wake.ArmAsync();
            known = await Totals(period);
            try
            {
                added = await journal.AppendAsync(productId, customerId, [.. records.Select(r => r.Record)], CancellationToken.None);
            }
            catch
            {
                // A failure may hide a commit (the connection dropped after it): a retry of these keys
                // would then be a duplicate and never counted here, so the totals are read again, and
                // what is unsent too.
                totals = null;
                unsent = null;
                await Changed();
                throw;
            }
        }
        finally
        {
            // A failed append may hide a commit: it counts as done too.
            appendsUnderWay--;
            appendsDone++;
        }

        if (unsent is not null)
        {
            unsent.AddRange(added);
            if (unsent.Count > MaxUnsentKept)
            {
                unsent = null;
            }
            else if (FullBatchSooner(forwardAt, now) is { } sooner && sooner != forwardAt)
            {
                forwardAt = sooner;
                await wake.ArmAsync();
            }
        }

        var fresh = added.Select(r => r.IdempotencyKey).ToHashSet(StringComparer.Ordinal);
        foreach (var (index, record) in records.OrderBy(r => r.Record.IdempotencyKey, StringComparer.Ordinal))
        {
            var isNew = fresh.Contains(record.IdempotencyKey);
            if (isNew)
            {
                var key = (record.PeriodStart, record.MeterId);
                known[key] = known.GetValueOrDefault(key).Add(record);
            }

            results[index] = new UsageResult(record.IdempotencyKey, isNew ? UsageOutcome.Accepted : UsageOutcome.Duplicate, PeriodStart: record.PeriodStart);
        }

        if (fresh.Count > 0)
        {
            await Changed();
            await AlertThresholds();
        }

        return results;
    }

    public Task<int> ForwardUsage() => ForwardUnsent(CancellationToken.None);

    public async Task<UsageReading> ReadUsage(DateTimeOffset periodStart)
    {
        var meters = (await Product())?.Meters ?? [];
        var known = meters.Count == 0 ? [] : await Totals(await Period());
        subscriptionListening = true;
        return new UsageReading(
            meters.ToDictionary(m => m.MeterId, m => known.TryGetValue((periodStart, m.MeterId), out var t) ? t.ValueFor(m.Aggregation) : 0, StringComparer.Ordinal));
    }

    public async Task SetBillingPeriod(BillingPeriod period)
    {
        // An older period is ignored; one of the same version only completes a period kept without its plan.
        if (state.State.Period is { } known && (known.Version > period.Version || (known.Version == period.Version && (known.PlanId is not null || period.PlanId is null))))
        {
            return;
        }

        state.State.Period = period;
        await state.WriteStateAsync();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != WakeUp.ReminderName && await this.GetReminder(reminderName) is { } earlier)
        {
            // A reminder of an earlier version of this grain: the wake-up does its work now.
            await this.UnregisterReminder(earlier);
        }

        wake.ReminderTicked();
        await CatchUp();
    }

    public async Task CatchUp()
    {
        // Woken after a restart: what waits in the journal is unknown to this activation.
        forwardAt ??= clock.GetUtcNow();
        await Forward();
    }

    /// <summary>The record an event stands for, or the reason it is rejected.</summary>
    private static (UsageRecord? Record, UsageResult? Rejection) Check(UsageEvent e, ProductDefinition? catalog, BillingPeriod? period, DateTimeOffset now)
    {
        UsageResult Reject(UsageError error, string detail) => new(e.IdempotencyKey ?? "", UsageOutcome.Rejected, error, detail);

        if (string.IsNullOrEmpty(e.IdempotencyKey) || e.IdempotencyKey.Length > MaxIdempotencyKeyLength || e.IdempotencyKey.Any(char.IsControl))
        {
            return (null, Reject(UsageError.InvalidIdempotencyKey, $"An idempotency key of 1-{MaxIdempotencyKeyLength} printable characters is required."));
        }

        if (catalog?.FindMeter(e.MeterId) is not { } meter)
        {
            return (null, Reject(UsageError.UnknownMeter, $"Product '{catalog?.ProductId}' has no meter '{e.MeterId}'."));
        }

        if (!UsageQuantities.Fits(e.Quantity, meter.EventMax))
        {
            return (null, Reject(UsageError.InvalidQuantity, $"The quantity of meter '{meter.MeterId}' must be {UsageQuantities.Rule(meter.EventMax)}."));
        }

        var timestamp = e.Timestamp ?? now;
        var (start, error, detail) = UsagePeriods.Of(period, timestamp, now);
        return start is { } periodStart
            ? (new UsageRecord(e.IdempotencyKey, e.MeterId, e.Quantity, timestamp, periodStart, now), null)
            : (null, Reject(error!.Value, detail!));
    }

    /// <summary>
    /// The records a meter that refuses overage lets through: in order, each that keeps its meter's period
    /// value within the limit. The others are answered as refused, or as duplicates when their key was
    /// accepted before (a retry of usage counted already, which must not be told it was refused).
    /// </summary>
    private async Task<List<(int Index, UsageRecord Record)>> WithinHardLimits(
        List<(int Index, UsageRecord Record)> records, ProductDefinition catalog, BillingPeriod period, DateTimeOffset now, UsageResult[] results)
    {
        if (!records.Any(r => IsHard(catalog, r.Record)))
        {
            return records;
        }

        var (kept, over) = await SplitAtLimits(records, catalog, period, now, recorded: null);
        if (over.Count == 0)
        {
            return kept;
        }

        // A refusal is checked against the journal: a repeat of usage accepted before is a duplicate, and counts
        // neither against the limit nor again in the running total, so the limits are applied once more without it.
        var recorded = await journal.RecordedAsync(productId, customerId, [.. records.Where(r => IsHard(catalog, r.Record)).Select(r => r.Record.IdempotencyKey)], CancellationToken.None);
        (kept, over) = await SplitAtLimits(records, catalog, period, now, recorded);
        foreach (var (index, record, limit) in over)
        {
            results[index] = new UsageResult(record.IdempotencyKey, UsageOutcome.Rejected, UsageError.LimitExceeded,
                string.Create(CultureInfo.InvariantCulture, $"Meter '{record.MeterId}' allows {limit} in the period starting {record.PeriodStart:O}; this usage would go beyond it, so it is refused."));
        }

        return kept;
    }

    private static bool IsHard(ProductDefinition catalog, UsageRecord record) => catalog.FindMeter(record.MeterId)?.Overage == OveragePolicy.Refuse;

    /// <summary>
    /// In order, the records that keep their hard meter's period value within the limit (and every other record),
    /// and those that would not. A key in <paramref name="recorded"/> is kept (the journal answers it as a
    /// duplicate) without counting again.
    /// </summary>
    private async Task<(List<(int Index, UsageRecord Record)> Kept, List<(int Index, UsageRecord Record, decimal Limit)> Over)> SplitAtLimits(
        List<(int Index, UsageRecord Record)> records, ProductDefinition catalog, BillingPeriod period, DateTimeOffset now, IReadOnlySet<string>? recorded)
    {
        var known = await Totals(period);
        var plan = catalog.FindPlan(period.PlanId);
        var tentative = new Dictionary<(DateTimeOffset Period, string Meter), UsageTotals>();
        var kept = new List<(int Index, UsageRecord Record)>();
        var over = new List<(int Index, UsageRecord Record, decimal Limit)>();
        foreach (var (index, record) in records)
        {
            var meter = catalog.FindMeter(record.MeterId)!;
            if (meter is not { Overage: OveragePolicy.Refuse, Limit: { } name } || period.LimitAt(name, plan, now) is not { } limit
                || recorded?.Contains(record.IdempotencyKey) == true)
            {
                kept.Add((index, record));
                continue;
            }

            var key = (record.PeriodStart, record.MeterId);
            var after = (tentative.TryGetValue(key, out var counted) ? counted : known.GetValueOrDefault(key)).Add(record);
            if (after.ValueFor(meter.Aggregation) > limit)
            {
                over.Add((index, record, limit));
            }
            else
            {
                tentative[key] = after;
                kept.Add((index, record));
            }
        }

        return (kept, over);
    }

    /// <summary>
    /// The usage the subscription shows changed: it hears so once, when it has read since it last heard, before the usage
    /// is acknowledged, so that the answer it holds, and shares with the gateway of its silo, is stale by then (a product
    /// reading its entitlements after recording usage sees the usage). One that does not hear within
    /// <see cref="SubscriptionNoticePatience"/> (its silo stopping or out of reach) is told again with the next usage, but
    /// for <see cref="SubscriptionNoticeBackoff"/> without waiting (as before this wait), so it holds up usage once, not call
    /// after call; meanwhile a product may read entitlements without the newest usage.
    /// </summary>
    private async Task Changed()
    {
        if (!subscriptionListening)
        {
            return;
        }

        subscriptionListening = false;
        var subscription = GrainFactory.GetGrain<ISubscriptionGrain>(this.GetPrimaryKeyString());
        if (TimeProvider.System.GetUtcNow() < noticesAwaitedAgainAt)
        {
            subscription.UsageChanged().Ignore();
            return;
        }

        try
        {
            await subscription.UsageChanged().WaitAsync(SubscriptionNoticePatience, TimeProvider.System);
        }
        catch (Exception ex)
        {
            subscriptionListening = true;
            noticesAwaitedAgainAt = TimeProvider.System.GetUtcNow() + SubscriptionNoticeBackoff;
            LogNoticeFailed(ex, this.GetPrimaryKeyString());
        }
    }

    /// <summary>
    /// Tells the subscription which of the product's usage alerts the current period's usage has reached and this activation
    /// has not told it yet (one-way; the subscription records each once per period, so telling again after a restart is harmless).
    /// </summary>
    private async Task AlertThresholds()
    {
        try
        {
            var catalog = await Product();
            if (catalog?.Meters is not { Count: > 0 } meters || state.State.Period is not { CurrentStart: { } start } period || catalog.AlertPercents.Count == 0)
            {
                return;
            }

            var known = await Totals(period);
            var plan = catalog.FindPlan(period.PlanId);
            var now = clock.GetUtcNow();
            var reached = new List<UsageThreshold>();
            foreach (var meter in meters.Where(m => m.Limit is not null))
            {
                if (period.LimitAt(meter.Limit!, plan, now) is not { } limit || limit <= 0)
                {
                    continue;
                }

                var used = known.TryGetValue((start, meter.MeterId), out var counted) ? counted.ValueFor(meter.Aggregation) : 0;
                foreach (var percent in catalog.AlertPercents.Order().Where(percent => used * 100 >= (decimal)limit * percent))
                {
                    var key = (start, meter.MeterId, percent);
                    if (!alerted.TryGetValue(key, out var told) || Stopwatch.GetElapsedTime(told) >= AlertRetold)
                    {
                        alerted[key] = Stopwatch.GetTimestamp();
                        reached.Add(new UsageThreshold(meter.MeterId, percent, limit, used, start));
                    }
                }
            }

            if (reached.Count > 0)
            {
                await GrainFactory.GetGrain<ISubscriptionGrain>(this.GetPrimaryKeyString()).UsageThresholdsReached(reached);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The usage is stored; the next write or wake-up tells the subscription.
            alerted.Clear();
            LogAlertFailed(ex, this.GetPrimaryKeyString());
        }
    }

    /// <summary>The period totals, read from the journal once per activation.</summary>
    private async ValueTask<Dictionary<(DateTimeOffset Period, string Meter), UsageTotals>> Totals(BillingPeriod? period)
    {
        if (totals is null)
        {
            var since = period?.PreviousStart ?? period?.CurrentStart ?? clock.GetUtcNow();
            var read = await journal.TotalsAsync(productId, customerId, since, CancellationToken.None);
            totals = read.ToDictionary(t => (t.PeriodStart, t.MeterId));
        }

        return totals;
    }

    /// <summary>The billing period as the subscription last said; asked of it once when none was ever said.</summary>
    private async ValueTask<BillingPeriod?> Period()
    {
        // A period kept from before periods named the plan is asked again too: a hard limit needs the plan.
        if (state.State.Period is null or { PlanId: null }
            && await GrainFactory.GetGrain<ISubscriptionGrain>(this.GetPrimaryKeyString()).GetBillingPeriod() is { CurrentStart: not null } period)
        {
            await SetBillingPeriod(period);
        }

        return state.State.Period;
    }

    /// <summary>The wake-up: forward what is unsent, then arm for what is left.</summary>
    private async Task Forward()
    {
        // After a crash between a write and its alert, the wake-up that forwards the usage tells the subscription too.
        await AlertThresholds();

        if (forwardAt is { } due && due <= clock.GetUtcNow())
        {
            await ForwardUnsent(CancellationToken.None);
        }
        else
        {
            await wake.ArmAsync();
        }
    }

    /// <summary>
    /// Sends unsent usage in batches until none is left (or this run's share is done); answers 0 when
    /// none is left, else -1. A failure keeps the usage for a later try, with growing pauses.
    /// </summary>
    private async Task<int> ForwardUnsent(CancellationToken cancellationToken, bool arm = true)
    {
        if (forwarding)
        {
            // The run under way sends what is unsent now, and arms itself again if more is left.
            return -1;
        }

        forwarding = true;
        var doneBefore = appendsDone;
        var left = Forwarded.Waiting;
        try
        {
            left = await SendBatches(cancellationToken);
            retryDelay = FirstRetryDelay;
            forwardingPaused = left == Forwarded.Waiting;

            var appendedMeanwhile = appendsUnderWay > 0 || appendsDone != doneBefore;
            if (left == Forwarded.Drained && !appendedMeanwhile)
            {
                // Nothing waits in the journal, and every later append's records are answered to this activation.
                unsent ??= [];
            }

            var now = clock.GetUtcNow();
            forwardAt = FullBatchSooner(NextForwardAt(left, appendedMeanwhile, now), now);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogForwardFailed(ex, this.GetPrimaryKeyString(), retryDelay);
            forwardAt = clock.GetUtcNow() + retryDelay;
            retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, MaxRetryDelay.Ticks));
            forwardingPaused = true;
        }
        finally
        {
            forwarding = false;
        }

        if (arm)
        {
            await wake.ArmAsync();
        }

        return left == Forwarded.Drained ? 0 : -1;
    }

    /// <summary>
    /// When to forward again after a run: at once when there was more than its share, in a while when
    /// nothing could be sent, and never when the journal was drained, unless an append was under way
    /// or ended meanwhile: its usage may not have been in the journal when the run looked.
    /// </summary>
    internal static DateTimeOffset? NextForwardAt(Forwarded left, bool appendedMeanwhile, DateTimeOffset now) => left switch
    {
        Forwarded.MoreLeft => now,
        Forwarded.Waiting => now + WakeUp.Period,
        _ => appendedMeanwhile ? now + ForwardDelay : null,
    };

    private DateTimeOffset? FullBatchSooner(DateTimeOffset? at, DateTimeOffset now) => FullBatchSooner(at, now, forwardingPaused, unsent?.Count ?? 0);

    /// <summary>
    /// At once instead of later when a full batch of usage is known to wait, unless forwarding is paused: a failure's
    /// backoff or a wait for the provider customer stands however much usage comes meanwhile.
    /// </summary>
    internal static DateTimeOffset? FullBatchSooner(DateTimeOffset? at, DateTimeOffset now, bool paused, int knownWaiting) =>
        at > now && !paused && knownWaiting >= MeterBatchSize ? now : at;

    /// <summary>Up to this run's share of batches.</summary>
    private async Task<Forwarded> SendBatches(CancellationToken cancellationToken)
    {
        for (var run = 0; run < MeterBatchesPerRun; run++)
        {
            var kept = unsent;
            IReadOnlyList<UsageRecord> batch = kept is not null
                ? kept.GetRange(0, Math.Min(MeterBatchSize, kept.Count))
                : await journal.UnsentAsync(productId, customerId, MeterBatchSize, cancellationToken);
            if (batch.Count == 0)
            {
                return Forwarded.Drained;
            }

            if ((await Period())?.ProviderCustomerId is not { } providerCustomer)
            {
                // Usage needs a billing period, which only a checkout brings, so this does not
                // happen; were it to, the usage waits in the journal for the customer to appear.
                return Forwarded.Waiting;
            }

            var catalog = await Product();
            await payments.SendMeterEventsAsync(
                [.. batch.Select(r => new MeterEvent(
                    catalog?.FindMeter(r.MeterId)?.ProviderEventName ?? r.MeterId, providerCustomer, r.Quantity, r.Timestamp, ProviderIdentifier(this.GetPrimaryKeyString(), r.IdempotencyKey)))],
                cancellationToken);
            var sentAt = clock.GetUtcNow();
            await journal.MarkSentAsync(productId, customerId, batch.Max(r => r.Sequence), sentAt, cancellationToken);
            if (kept is not null && ReferenceEquals(kept, unsent))
            {
                // Appends meanwhile only added behind the batch.
                kept.RemoveRange(0, batch.Count);
            }

            metrics.UsageForwarded(productId, batch.Select(r => r.ReceivedAt), sentAt);
        }

        // More than one run's share: the rest goes at the next wake-up, leaving room for other calls.
        return Forwarded.MoreLeft;
    }

    private async Task<ProductDefinition?> Product() => (await catalogs.GetAsync()).Definition;

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

    internal enum Forwarded
    {
        /// <summary>Nothing is left unsent.</summary>
        Drained,
        /// <summary>More than one run's share: the rest goes at once, at the next wake-up.</summary>
        MoreLeft,
        /// <summary>Nothing can be sent yet (no provider customer).</summary>
        Waiting,
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telling {Subscription} its usage changed failed or took too long; it is told again with the next usage, without waiting for a while")]
    private partial void LogNoticeFailed(Exception exception, string subscription);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telling {Subscription} of the usage alerts it reached failed; the next write or wake-up tells it")]
    private partial void LogAlertFailed(Exception exception, string subscription);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding usage of {Subscription} to the provider failed; trying again in {Delay}")]
    private partial void LogForwardFailed(Exception exception, string subscription, TimeSpan delay);
}
